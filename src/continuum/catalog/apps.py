from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "continuum.catalog"
    verbose_name = "Programs and topics"
