from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "continuum.delivery"
    verbose_name = "Delivery"

    def ready(self):
        from continuum.sites import extensions

        from . import status

        extensions.register(extensions.OVERDUE, status.silent_site_ids)
        extensions.register(extensions.OVERDUE, status.late_milestone_site_ids)
        extensions.register(extensions.SILENT, status.silent_site_ids)
