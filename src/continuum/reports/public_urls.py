from django.urls import path

from . import public_views

app_name = "public_reports"
urlpatterns = [
    path("", public_views.report_list, name="list"),
    path("recommendations/", public_views.recommendation_library, name="library"),
    path("recommendations.csv", public_views.recommendation_csv, name="library_csv"),
    path("<id:pk>/", public_views.report_detail, name="detail"),
    path("<id:pk>/report.<str:fmt>", public_views.report_download, name="download"),
]
