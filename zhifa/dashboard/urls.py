"""Dashboard pages."""

from django.urls import path

from zhifa.dashboard import views

app_name = "dashboard"
urlpatterns = [path("", views.home, name="home")]
