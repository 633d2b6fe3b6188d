from django.apps import AppConfig


class CritacConfig(AppConfig):
    name = "continuum.critac"
    verbose_name = "CRI-TAC"
