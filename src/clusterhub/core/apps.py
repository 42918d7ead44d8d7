from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(using: str = "default", **kwargs) -> None:
    """The database cache's table, when the cache is the database (``createcachetable`` does
    nothing otherwise, and nothing when the table exists): ``migrate`` is the only step a
    deployment or a test run needs."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "clusterhub.core"
    label = "core"
    verbose_name = "Clusterhub"

    def ready(self) -> None:
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="create_cache_table")
        from . import privacy

        privacy.discover()
