from django.contrib import admin

from .log import delete_audited, save_audited
from .models import AuditEvent


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits go through the audit log like every other edit."""

    def save_model(self, request, obj, form, change):
        save_audited(obj, request.user, reason="Edited in the administration site")

    def delete_model(self, request, obj):
        delete_audited(obj, request.user, reason="Deleted in the administration site")

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            delete_audited(obj, request.user, reason="Deleted in the administration site")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_label", "from_state", "to_state"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_label", "object_label", "reason"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
