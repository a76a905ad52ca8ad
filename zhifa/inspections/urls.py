from django.urls import path

from zhifa.inspections import views, views_demands, views_draws, views_plans, views_records, views_requests

app_name = "inspections"
urlpatterns = [
    path("plan/", views.plan_page, name="plan"),
    path("plan.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path("demands/", views_demands.demand_page, name="demands"),
    path("requests/", views_requests.request_list, name="request_list"),
    path("requests/new/", views_requests.request_new, name="request_new"),
    path("requests/<int:pk>/cancel/", views_requests.request_cancel, name="request_cancel"),
    path("draws/", views_draws.draw_list, name="draw_list"),
    path("draws/new/", views_draws.draw_new, name="draw_new"),
    path("draws/<int:pk>/", views_draws.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/publish/", views_draws.draw_publish_view, name="draw_publish"),
    path("joint-plans/", views_plans.plan_list, name="jointplan_list"),
    path("joint-plans/new/", views_plans.plan_new, name="jointplan_new"),
    path("joint-plans/<int:pk>/", views_plans.plan_detail, name="jointplan_detail"),
    path("joint-plans/<int:pk>/days/<int:day_pk>/", views_plans.squad_day_detail, name="jointplan_squadday"),
    path("joint-plans/<int:pk>/publish/", views_plans.plan_publish_view, name="jointplan_publish"),
    path("joint-plans/<int:pk>/withdraw/", views_plans.plan_withdraw_view, name="jointplan_withdraw"),
    path("joint-plans/<int:pk>.xlsx", views_plans.plan_xlsx, name="jointplan_xlsx"),
    path("joint-plans/visits/<int:visit_pk>/mark/", views_plans.visit_mark_view, name="jointplan_visit_mark"),
    path("my-days/", views_plans.my_days, name="my_days"),
    # Public, no login: published results only.
    path("public/draws/<int:pk>/", views_draws.draw_public, name="draw_public"),
    path("records/", views_records.record_list, name="record_list"),
    path("records/new/", views_records.record_new, name="record_new"),
    path("records/<int:pk>/", views_records.record_detail, name="record_detail"),
    path("records/photos/<int:pk>/", views_records.record_photo, name="record_photo"),
    path("guidance/", views_records.guidance_list, name="guidance"),
]
