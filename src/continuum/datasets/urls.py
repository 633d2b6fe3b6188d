from django.urls import path

from . import mapping_views, views

app_name = "datasets"
urlpatterns = [
    path("", views.home, name="home"),
    path("requests/<id:request_pk>/", views.request_detail, name="request"),
    path("requests/<id:request_pk>/problem/", views.request_problem, name="request_problem"),
    path("versions/<id:version_pk>/", views.version_detail, name="version"),
    path("versions/<id:version_pk>/mapping/", mapping_views.guided_mapping, name="mapping"),
    path("versions/<id:version_pk>/accept/", views.version_accept, name="accept"),
    path("versions/<id:version_pk>/run/", views.run, name="run"),
    path("versions/<id:version_pk>/download/<str:which>/", views.download, name="download"),
    path("jobs/<id:job_pk>/", views.job_detail, name="job"),
    path("jobs/<id:job_pk>/retry/", views.job_retry, name="retry"),
    path("results/<id:result_pk>/", views.result_detail, name="result"),
    path("results/<id:result_pk>/report/", views.result_mark, name="mark"),
]
