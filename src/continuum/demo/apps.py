from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "continuum.demo"
    verbose_name = "Demo data"
