from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "continuum.agencies"
    verbose_name = "Organizations"
