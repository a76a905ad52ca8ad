"""Inspection pages under /inspections/: draws, demands and requests, joint plans, records, the annual plan."""

from django.urls import path

from zhifa.inspections.annual import views as annual
from zhifa.inspections.demands import views as demands
from zhifa.inspections.draws import views as draws
from zhifa.inspections.plans import views as plans
from zhifa.inspections.records import views as records

app_name = "inspections"
urlpatterns = [
    path("plan/", annual.plan_page, name="plan"),
    path("plan.xlsx", annual.plan_xlsx, name="plan_xlsx"),
    path("demands/", demands.demand_page, name="demands"),
    path("requests/", demands.request_list, name="request_list"),
    path("requests/new/", demands.request_new, name="request_new"),
    path("requests/<int:pk>/cancel/", demands.request_cancel, name="request_cancel"),
    path("draws/", draws.draw_list, name="draw_list"),
    path("draws/new/", draws.draw_new, name="draw_new"),
    path("draws/<int:pk>/", draws.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/publish/", draws.draw_publish_view, name="draw_publish"),
    path("joint-plans/", plans.plan_list, name="jointplan_list"),
    path("joint-plans/new/", plans.plan_new, name="jointplan_new"),
    path("joint-plans/<int:pk>/", plans.plan_detail, name="jointplan_detail"),
    path("joint-plans/<int:pk>/days/<int:day_pk>/", plans.squad_day_detail, name="jointplan_squadday"),
    path("joint-plans/<int:pk>/publish/", plans.plan_publish_view, name="jointplan_publish"),
    path("joint-plans/<int:pk>/withdraw/", plans.plan_withdraw_view, name="jointplan_withdraw"),
    path("joint-plans/<int:pk>.xlsx", plans.plan_xlsx, name="jointplan_xlsx"),
    path("joint-plans/visits/<int:visit_pk>/mark/", plans.visit_mark_view, name="jointplan_visit_mark"),
    path("my-days/", plans.my_days, name="my_days"),
    # Public, no login: published results only.
    path("public/draws/<int:pk>/", draws.draw_public, name="draw_public"),
    path("records/", records.record_list, name="record_list"),
    path("records/new/", records.record_new, name="record_new"),
    path("records/<int:pk>/", records.record_detail, name="record_detail"),
    path("records/photos/<int:pk>/", records.record_photo, name="record_photo"),
    path("guidance/", records.guidance_list, name="guidance"),
]
