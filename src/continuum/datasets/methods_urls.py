from django.urls import path

from . import methods

app_name = "methods"
urlpatterns = [
    path("", methods.index, name="index"),
    path("<slug:analysis>/", methods.detail, name="detail"),
]
