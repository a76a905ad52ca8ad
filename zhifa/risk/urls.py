from django.urls import path

from zhifa.risk import views

app_name = "risk"
urlpatterns = [path("", views.overview, name="overview")]
