from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "continuum.sites"
    verbose_name = "Sites"
