from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set (`manage.py seed_demo`, `make run`): the top layer, since it drives every
    app through its real actions. Never used in production."""

    name = "aduan.demo"
    label = "demo"
    verbose_name = "Demo"
