"""Pages of oversight under /oversight/."""

from django.urls import path

from zhifa.oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.board, name="board"),
    path("warnings.xlsx", views.board_xlsx, name="board_xlsx"),
    path("scan/", views.scan, name="scan"),
    path("models/", views.rules, name="rules"),
    path("models/<str:code>/", views.rule_edit, name="rule_edit"),
    path("warnings/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("warnings/<int:pk>/<slug:action>/", views.alert_action, name="alert_action"),
    path("steps/<int:pk>/file/", views.step_file, name="step_file"),
]
