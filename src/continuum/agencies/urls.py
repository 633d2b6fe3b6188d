from django.urls import path

from . import views

app_name = "agencies"
urlpatterns = [
    path("", views.agency_list, name="list"),
    path("<id:pk>/", views.agency_detail, name="detail"),
    path("<id:pk>/edit/", views.agency_edit, name="edit"),
]
