from django.contrib import admin

from continuum.audit.admin import AuditedAdmin

from .models import Agency, ProgramOffice, ProviderOrganization


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["name", "agency_type", "city", "state", "ori", "sworn_officers"]
    list_filter = ["agency_type", "state"]
    search_fields = ["name", "city", "ori"]


@admin.register(ProviderOrganization)
class ProviderOrganizationAdmin(AuditedAdmin):
    list_display = ["name", "provider_type", "website"]
    list_filter = ["provider_type"]
    search_fields = ["name"]


@admin.register(ProgramOffice)
class ProgramOfficeAdmin(AuditedAdmin):
    list_display = ["name"]
