from django.urls import path

from . import views

app_name = "invitations"
urlpatterns = [
    path("workspace/organizations/<id:org_pk>/invitations/", views.invitation_list, name="list"),
    path(
        "workspace/organizations/<id:org_pk>/members/<id:user_pk>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path("workspace/invitations/<id:pk>/resend/", views.resend, name="resend"),
    path("workspace/invitations/<id:pk>/revoke/", views.revoke, name="revoke"),
    path("invitations/<str:token>/", views.accept, name="accept"),
]
