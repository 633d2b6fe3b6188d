from django.urls import path

from . import views

app_name = "critac"
urlpatterns = [
    path("cri-tac/", views.catalog, name="catalog"),
    path("workspace/cri-tac/", views.engagements, name="engagements"),
    path("workspace/cri-tac/requests/<id:pk>/route/", views.route, name="route"),
    path("workspace/sites/<id:site_pk>/cri-tac/", views.deliveries, name="deliveries"),
]
