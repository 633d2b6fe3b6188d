from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CritacConfig(AppConfig):
    name = "continuum.critac"
    verbose_name = "CRI-TAC"

    def ready(self):
        from continuum.critac.seed import seed_delivery_types

        post_migrate.connect(seed_delivery_types, sender=self, dispatch_uid="continuum.critac.seed")
