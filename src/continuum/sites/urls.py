from django.urls import path

from . import views

app_name = "sites"
urlpatterns = [
    path("", views.site_list, name="list"),
    path("<id:pk>/", views.site_detail, name="detail"),
    path("<id:pk>/edit/", views.site_edit, name="edit"),
    path("<id:pk>/team/", views.member_add, name="member_add"),
    path("<id:pk>/team/<id:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("<id:pk>/steps/<str:name>/", views.site_transition, name="transition"),
]
