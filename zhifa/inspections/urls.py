from django.urls import path

from zhifa.inspections import views, views_demands, views_draws, views_records

app_name = "inspections"
urlpatterns = [
    path("plan/", views.plan_page, name="plan"),
    path("plan.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path("demands/", views_demands.demand_page, name="demands"),
    path("draws/", views_draws.draw_list, name="draw_list"),
    path("draws/new/", views_draws.draw_new, name="draw_new"),
    path("draws/<int:pk>/", views_draws.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/publish/", views_draws.draw_publish_view, name="draw_publish"),
    # Public, no login: published results only.
    path("public/draws/<int:pk>/", views_draws.draw_public, name="draw_public"),
    path("records/", views_records.record_list, name="record_list"),
    path("records/new/", views_records.record_new, name="record_new"),
    path("records/<int:pk>/", views_records.record_detail, name="record_detail"),
    path("records/photos/<int:pk>/", views_records.record_photo, name="record_photo"),
    path("guidance/", views_records.guidance_list, name="guidance"),
]
