from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "continuum.reports"
    verbose_name = "Reports"

    def ready(self):
        from continuum.sites import extensions

        from .library import site_publications

        extensions.register(extensions.PUBLICATIONS, site_publications)
