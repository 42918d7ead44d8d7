from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo content of every app (``manage.py load_demo``): the top of the house, it may
    import every app and no app imports it."""

    name = "clusterhub.demo"
    label = "demo"
    verbose_name = "Demo content"
