from django.urls import path

from . import public_views

app_name = "public_reports"
urlpatterns = [
    path("", public_views.report_list, name="list"),
    path("<id:pk>/", public_views.report_detail, name="detail"),
    path("<id:pk>/report.<str:fmt>", public_views.report_download, name="download"),
]
