from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("import/", views.import_items, name="import"),
    path("export.csv", views.export, name="export"),
    path("<id:pk>/", views.item_detail, name="item"),
    path("<id:pk>/propose/", views.item_propose, name="propose"),
    path("<id:pk>/plan/", views.item_plan, name="plan"),
    path("<id:pk>/proposals/<id:proposal_pk>/document/", views.proposal_document, name="document"),
    path("<id:pk>/proposals/<id:proposal_pk>/<str:decision>/", views.item_verify, name="verify"),
    path("progress/", views.progress_draft, name="progress_draft"),
    path("progress/<id:number>/", views.progress_detail, name="progress"),
    path("progress/<id:number>/publish/", views.progress_publish, name="progress_publish"),
]
