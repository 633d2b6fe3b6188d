from django.urls import path

from . import views

app_name = "sites"
urlpatterns = [
    path("<int:pk>/", views.site_detail, name="detail"),
]
