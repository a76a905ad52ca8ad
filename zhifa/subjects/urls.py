"""Pages of regulated subjects."""

from django.urls import path

from zhifa.subjects import views

app_name = "subjects"
urlpatterns = [
    path("", views.subject_list, name="subject_list"),
    path("new/", views.subject_new, name="subject_new"),
    path("import/", views.subject_import_view, name="subject_import"),
    path("<int:pk>/edit/", views.subject_edit, name="subject_edit"),
    path("<int:pk>/", views.subject_detail, name="subject_detail"),
]
