from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "continuum.metrics"
    verbose_name = "Program metrics"
