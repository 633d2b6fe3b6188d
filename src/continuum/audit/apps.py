from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "continuum.audit"
    verbose_name = "Audit log"
