from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("<str:app_label>/<str:model>/<str:pk>/", views.object_history, name="history"),
]
