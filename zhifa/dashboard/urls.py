"""Dashboard pages."""

from django.urls import path

from zhifa.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("reform/", views.reform_page, name="reform"),
    path("reform/<str:code>/", views.reform_subdistrict_page, name="reform_subdistrict"),
]
