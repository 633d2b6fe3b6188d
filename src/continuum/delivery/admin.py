from django.contrib import admin

from continuum.audit.admin import AuditedAdmin

from .models import ContactThreshold


@admin.register(ContactThreshold)
class ContactThresholdAdmin(AuditedAdmin):
    list_display = ["program", "days"]
