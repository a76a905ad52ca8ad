"""Pages of oversight under /oversight/."""

from django.urls import path

from zhifa.oversight import views
from zhifa.oversight.evaluations import views as evaluations
from zhifa.oversight.training import views as training

app_name = "oversight"

urlpatterns = [
    path("", views.board, name="board"),
    path("warnings.xlsx", views.board_xlsx, name="board_xlsx"),
    path("scan/", views.scan, name="scan"),
    path("report/", views.monthly, name="monthly"),
    path("report.xlsx", views.monthly_xlsx, name="monthly_xlsx"),
    path("report/generate/", views.monthly_generate, name="monthly_generate"),
    path("report/jobs/<uuid:job_id>/<slug:fmt>/", views.monthly_file, name="monthly_file"),
    path("models/", views.rules, name="rules"),
    path("models/<str:code>/", views.rule_edit, name="rule_edit"),
    path("warnings/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("warnings/<int:pk>/<slug:action>/", views.alert_action, name="alert_action"),
    path("steps/<int:pk>/file/", views.step_file, name="step_file"),
    path("evaluations/", evaluations.period_list, name="evaluation_list"),
    path("evaluations/new/", evaluations.period_new, name="evaluation_new"),
    path("evaluations/<int:pk>/", evaluations.period_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/score/", evaluations.score, name="evaluation_score"),
    path("evaluations/<int:pk>/weights/", evaluations.weights, name="evaluation_weights"),
    path("evaluations/<int:pk>/close/", evaluations.close, name="evaluation_close"),
    path("trainings/", training.training_list, name="training_list"),
    path("trainings/new/", training.training_new, name="training_new"),
    path("trainings/hours/", training.training_hours, name="training_hours"),
    path("trainings/<int:pk>/", training.training_detail, name="training_detail"),
    path("trainings/<int:pk>/edit/", training.training_edit, name="training_edit"),
    path("trainings/<int:pk>/materials/", training.training_material, name="training_material"),
    path("trainings/materials/<int:pk>/", training.material_file, name="training_material_file"),
]
