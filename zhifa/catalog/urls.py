"""Catalog pages: items, scenarios, export and releases."""

from django.urls import path

from zhifa.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("export.xlsx", views.item_export, name="item_export"),
    path("items/<str:code>/", views.item_detail, name="item_detail"),
    path("scenarios/", views.scenario_list, name="scenario_list"),
    path("scenarios/<str:code>/", views.scenario_detail, name="scenario_detail"),
    path("releases/", views.release_list, name="release_list"),
    path("releases/new/", views.release_new, name="release_new"),
    path("releases/<int:pk>/", views.release_detail, name="release_detail"),
    path("releases/<int:pk>/apply/", views.release_apply_view, name="release_apply"),
    path("releases/<int:pk>/discard/", views.release_discard_view, name="release_discard"),
]
