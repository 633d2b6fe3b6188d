from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from continuum.audit.admin import AuditedAdmin

from .models import User


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "organization", "is_active"]
    list_filter = ["role", "is_active", "organization__kind"]
    search_fields = ["email", "first_name", "last_name", "organization__name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "job_title", "phone"]}),
        ("Role", {"fields": ["role", "organization", "is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "role", "organization", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
