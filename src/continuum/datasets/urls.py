from django.urls import path

from . import views

app_name = "datasets"
urlpatterns = [
    path("", views.home, name="home"),
    path("requests/<int:request_pk>/", views.request_detail, name="request"),
    path("requests/<int:request_pk>/problem/", views.request_problem, name="request_problem"),
    path("versions/<int:version_pk>/", views.version_detail, name="version"),
    path("versions/<int:version_pk>/accept/", views.version_accept, name="accept"),
    path("versions/<int:version_pk>/run/", views.run, name="run"),
    path("versions/<int:version_pk>/download/<str:which>/", views.download, name="download"),
    path("jobs/<int:job_pk>/", views.job_detail, name="job"),
    path("jobs/<int:job_pk>/retry/", views.job_retry, name="retry"),
    path("results/<int:result_pk>/", views.result_detail, name="result"),
    path("results/<int:result_pk>/report/", views.result_mark, name="mark"),
]
