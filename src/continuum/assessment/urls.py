from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("import/", views.import_items, name="import"),
    path("export.csv", views.export, name="export"),
    path("<int:pk>/", views.item_detail, name="item"),
    path("<int:pk>/propose/", views.item_propose, name="propose"),
    path("<int:pk>/plan/", views.item_plan, name="plan"),
    path("<int:pk>/proposals/<int:proposal_pk>/document/", views.proposal_document, name="document"),
    path("<int:pk>/proposals/<int:proposal_pk>/<str:decision>/", views.item_verify, name="verify"),
    path("progress/", views.progress_draft, name="progress_draft"),
    path("progress/<int:number>/", views.progress_detail, name="progress"),
    path("progress/<int:number>/publish/", views.progress_publish, name="progress_publish"),
]
