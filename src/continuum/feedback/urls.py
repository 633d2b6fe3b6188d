from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("feedback/<str:token>/", views.respond, name="respond"),
    path("workspace/sites/<id:site_pk>/feedback/", views.site_feedback, name="site"),
]
