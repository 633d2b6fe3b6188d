from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "continuum.delivery"
    verbose_name = "Delivery"
