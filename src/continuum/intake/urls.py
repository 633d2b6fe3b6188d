from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("request/", views.request_form, name="form"),
    path("request/submitted/<str:tracking_number>/", views.submitted, name="submitted"),
    path("request/status/", views.status_lookup, name="status_lookup"),
    path("request/status/<str:tracking_number>/", views.status, name="status"),
    path("request/status/<str:tracking_number>/withdraw/", views.status_withdraw, name="status_withdraw"),
    path("request/status/<str:tracking_number>/letter/", views.status_letter, name="status_letter"),
    path("requests/", views.queue, name="queue"),
    path("requests/export/", views.queue_export, name="queue_export"),
    path("requests/assign/", views.assign, name="assign"),
    path("requests/<id:pk>/", views.detail, name="detail"),
    path("requests/<id:pk>/contacts/", views.add_contact, name="add_contact"),
    path("requests/<id:pk>/notes/", views.add_note, name="add_note"),
    path("requests/<id:pk>/triage/", views.triage, name="triage"),
    path("requests/<id:pk>/flags/<id:flag_pk>/clear/", views.clear_flag, name="clear_flag"),
    path("requests/<id:pk>/decide/<str:decision>/", views.decide, name="decide"),
    path("requests/<id:pk>/letter/", views.letter, name="letter"),
    path("requests/<id:pk>/letter/attach/", views.attach_letter, name="attach_letter"),
    path("requests/<id:pk>/authorization/<str:name>/", views.authorization_step, name="authorization"),
]
