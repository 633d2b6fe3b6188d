from django.contrib import admin

from continuum.audit.admin import AuditedAdmin
from continuum.catalog.models import TopicArea

from .models import Delivery, DeliveryType, Partner


@admin.register(TopicArea)
class TopicAreaAdmin(AuditedAdmin):
    list_display = ["name", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(DeliveryType)
class DeliveryTypeAdmin(AuditedAdmin):
    list_display = ["name", "position", "active"]
    list_filter = ["active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin):
    list_display = ["provider"]
    filter_horizontal = ["areas", "topics", "delivery_types"]


@admin.register(Delivery)
class DeliveryAdmin(AuditedAdmin):
    list_display = ["title", "site", "delivery_type", "starts_on", "attendees"]
    list_filter = ["delivery_type", "format"]
