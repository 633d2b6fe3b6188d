from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "continuum.assessment"
    verbose_name = "Organizational Assessment tracking"
