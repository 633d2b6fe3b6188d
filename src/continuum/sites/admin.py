from django.contrib import admin

from continuum.audit.admin import AuditedAdmin

from .models import Site


@admin.register(Site)
class SiteAdmin(AuditedAdmin):
    list_display = ["title", "agency", "program", "ta_type", "provider", "status", "is_public"]
    list_filter = ["program", "status", "ta_type", "provider", "is_public"]
    search_fields = ["title", "agency__name", "description"]
    filter_horizontal = ["topics"]
