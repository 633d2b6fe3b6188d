from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CritacConfig(AppConfig):
    name = "continuum.critac"
    verbose_name = "CRI-TAC"

    def ready(self):
        from continuum.critac.seed import seed_delivery_types

        post_migrate.connect(seed_delivery_types, sender=self, dispatch_uid="continuum.critac.seed")

        from continuum.critac.deliveries import ready_to_close
        from continuum.sites.transitions import CLOSING_CHECKS

        if ready_to_close not in CLOSING_CHECKS:
            CLOSING_CHECKS.append(ready_to_close)
