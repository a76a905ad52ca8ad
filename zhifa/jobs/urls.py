from django.urls import path

from zhifa.jobs import views

app_name = "jobs"
urlpatterns = [path("<uuid:job_id>/", views.job_status, name="status")]
