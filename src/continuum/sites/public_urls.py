from django.urls import path

from . import public_views

app_name = "public_sites"
urlpatterns = [
    path("", public_views.active_sites, name="active"),
    path("closed/", public_views.closed_sites, name="closed"),
    path("<id:pk>/", public_views.public_site, name="detail"),
]
