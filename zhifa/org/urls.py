"""Organisation pages: regions, teams, officers, buildings."""

from django.urls import path

from zhifa.org import views

app_name = "org"
urlpatterns = [
    path("regions/", views.region_list, name="region_list"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<str:code>/", views.team_detail, name="team_detail"),
    path("officers/", views.officer_list, name="officer_list"),
    path("officers/<int:pk>/", views.officer_detail, name="officer_detail"),
    path("buildings/", views.building_list, name="building_list"),
    path("buildings/<str:code>/", views.building_detail, name="building_detail"),
]
