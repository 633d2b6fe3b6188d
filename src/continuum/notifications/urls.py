from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("workspace/notifications/", views.notifications, name="list"),
    path("workspace/notifications/<id:pk>/open/", views.open_notification, name="open"),
    path("workspace/notifications/read/", views.mark_read, name="mark_read"),
    path("workspace/notifications/email/", views.email_choice, name="email_choice"),
    path("workspace/attention/", views.attention_list, name="attention"),
    path("workspace/deadlines/", views.deadlines, name="deadlines"),
    path("workspace/deadlines/feed/", views.issue_feed, name="issue_feed"),
    path("workspace/deadlines/feed/revoke/", views.revoke_feed, name="revoke_feed"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
