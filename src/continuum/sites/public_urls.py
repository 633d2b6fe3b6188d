from django.urls import path

from continuum.assessment.views import public_progress

from . import public_views

app_name = "public_sites"
urlpatterns = [
    path("", public_views.active_sites, name="active"),
    path("closed/", public_views.closed_sites, name="closed"),
    path("<int:pk>/", public_views.public_site, name="detail"),
    path("<int:pk>/progress/<int:number>/", public_progress, name="progress"),
]
