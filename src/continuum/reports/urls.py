from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.site_reports, name="site_reports"),
    path("<id:pk>/", views.editor, name="detail"),
    path("<id:pk>/sections/", views.save_sections, name="sections"),
    path("<id:pk>/parts/<str:kind>/", views.add_part, name="add_part"),
    path("<id:pk>/parts/<str:kind>/<id:part_pk>/", views.edit_part, name="edit_part"),
    path("<id:pk>/parts/<str:kind>/<id:part_pk>/remove/", views.remove_part, name="remove_part"),
    path("<id:pk>/parts/<str:kind>/<id:part_pk>/<str:direction>/", views.move_part, name="move_part"),
    path("<id:pk>/embed/", views.embed, name="embed"),
    path("<id:pk>/figure/", views.add_figure, name="figure"),
    path("<id:pk>/timeline/import/", views.import_timeline, name="import_timeline"),
    path("<id:pk>/comments/", views.add_comment, name="comment"),
    path("<id:pk>/comments/<id:comment_pk>/reply/", views.reply, name="reply"),
    path("<id:pk>/steps/<str:name>/", views.step, name="step"),
    path("<id:pk>/correction/", views.correction, name="correction"),
    path("<id:pk>/report.<str:fmt>", views.workspace_download, name="download"),
]
