"""The public progress reports, under the public site pages' addresses (sites/<id>/progress/<n>/)."""

from django.urls import path

from .views import public_progress

app_name = "public_progress"
urlpatterns = [
    path("<id:pk>/progress/<id:number>/", public_progress, name="progress"),
]
