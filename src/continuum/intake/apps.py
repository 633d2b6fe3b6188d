from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "continuum.intake"
    verbose_name = "Requests for assistance"
