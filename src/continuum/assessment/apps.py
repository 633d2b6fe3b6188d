from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "continuum.assessment"
    verbose_name = "Organizational Assessment tracking"

    def ready(self):
        from continuum.sites import extensions

        from .progress import site_publications

        extensions.register(extensions.PUBLICATIONS, site_publications)
