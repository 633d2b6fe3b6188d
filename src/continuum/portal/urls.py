from django.urls import path

from . import public_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("programs/", public_views.program_list, name="programs"),
    path("programs/<slug:slug>/", public_views.program_detail, name="program"),
    path("faq/", public_views.faq, name="faq"),
    path("contact/", public_views.contact, name="contact"),
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/nav-count/<slug:name>/", views.nav_count, name="nav_count"),
]
