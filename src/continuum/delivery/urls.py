from django.urls import path

from . import views

app_name = "delivery"
urlpatterns = [
    path("communications/", views.communications, name="communications"),
    path("activities/", views.activities, name="activities"),
    path("documents/", views.document_list, name="documents"),
    path("documents/<id:document_pk>/", views.document_detail, name="document"),
    path("documents/<id:document_pk>/versions/<id:number>/", views.download, name="download"),
    path("milestones/", views.milestone_list, name="milestones"),
    path("milestones/<id:deliverable_pk>/done/", views.milestone_done, name="milestone_done"),
]
