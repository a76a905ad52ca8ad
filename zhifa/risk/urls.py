from django.urls import path

from zhifa.risk import views

app_name = "risk"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("recompute/", views.recompute, name="recompute"),
    path("policy/", views.policy_page, name="policy"),
    path("subjects/<int:pk>/assess/", views.assess, name="assess"),
]
