from django.urls import path

from zhifa.inspections import views

app_name = "inspections"
urlpatterns = [
    path("plan/", views.plan_page, name="plan"),
    path("plan.xlsx", views.plan_xlsx, name="plan_xlsx"),
]
