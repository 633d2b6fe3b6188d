from django.apps import AppConfig


class WorkplansConfig(AppConfig):
    name = "continuum.workplans"
    verbose_name = "Work plans"
