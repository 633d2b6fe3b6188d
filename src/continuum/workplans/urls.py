from django.urls import path

from . import views

app_name = "workplans"
urlpatterns = [
    path("", views.current, name="current"),
    path("compare/", views.compare, name="compare"),
    path("draft/", views.start_draft, name="start_draft"),
    path("items/<str:kind>/", views.add_item, name="add_item"),
    path("items/<str:kind>/<id:item_pk>/remove/", views.remove_item, name="remove_item"),
    path("v<id:version>/", views.version, name="version"),
    path("v<id:version>/comments/", views.add_comment, name="comment"),
    path("v<id:version>/<str:decision>/", views.decide, name="decide"),
]
