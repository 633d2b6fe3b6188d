from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.site_reports, name="site_reports"),
    path("<int:pk>/", views.editor, name="detail"),
    path("<int:pk>/sections/", views.save_sections, name="sections"),
    path("<int:pk>/parts/<str:kind>/", views.add_part, name="add_part"),
    path("<int:pk>/parts/<str:kind>/<int:part_pk>/", views.edit_part, name="edit_part"),
    path("<int:pk>/parts/<str:kind>/<int:part_pk>/remove/", views.remove_part, name="remove_part"),
    path("<int:pk>/parts/<str:kind>/<int:part_pk>/<str:direction>/", views.move_part, name="move_part"),
    path("<int:pk>/embed/", views.embed, name="embed"),
    path("<int:pk>/figure/", views.add_figure, name="figure"),
    path("<int:pk>/timeline/import/", views.import_timeline, name="import_timeline"),
    path("<int:pk>/comments/", views.add_comment, name="comment"),
    path("<int:pk>/comments/<int:comment_pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/steps/<str:name>/", views.step, name="step"),
    path("<int:pk>/correction/", views.correction, name="correction"),
    path("<int:pk>/report.<str:fmt>", views.workspace_download, name="download"),
]
