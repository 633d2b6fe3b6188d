from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(sender, using, **kwargs) -> None:
    """The shared cache (used second-factor codes, log-in and submission limits) is a database table unless
    CACHE_URL names a Redis: every migrate makes sure it exists, so no extra set-up step is needed."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    name = "continuum.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (security events go to the audit log)

        post_migrate.connect(_create_cache_table, sender=self)
