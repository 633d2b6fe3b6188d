from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    name = "continuum.datasets"
    verbose_name = "Data and analyses"
