from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "continuum.portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from django.urls import register_converter

        from .converters import IdConverter

        register_converter(IdConverter, "id")  # before any URLconf is imported (they load on first request)
