from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "continuum.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (security events go to the audit log)
