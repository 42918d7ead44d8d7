from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "clusterhub.registry"
    label = "registry"
    verbose_name = _("Cluster registry")

    def ready(self):
        from . import signals  # noqa: F401
