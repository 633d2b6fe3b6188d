from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "continuum.portal"
    verbose_name = "Portal"
