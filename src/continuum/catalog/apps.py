from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CatalogConfig(AppConfig):
    name = "continuum.catalog"
    verbose_name = "Programs and topics"

    def ready(self):
        from continuum.catalog.seed import seed_catalog

        post_migrate.connect(seed_catalog, sender=self, dispatch_uid="continuum.catalog.seed")
