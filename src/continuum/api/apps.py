from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "continuum.api"
    verbose_name = "JSON API"
