from django.contrib import admin

from continuum.audit.admin import AuditedAdmin

from .models import Topic


@admin.register(Topic)
class TopicAdmin(AuditedAdmin):
    list_display = ["name", "slug", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
