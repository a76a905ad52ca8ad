"""Command-centre pages under /dispatch/: staff pages (login) and the public report / track pages."""

from django.urls import path

from zhifa.dispatch import views, views_import

app_name = "dispatch"
urlpatterns = [
    path("", views.board, name="board"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/<slug:action>/", views.event_action, name="event_action"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("ledger.xlsx", views.ledger, name="ledger"),
    path("imports/hotline/", views_import.hotline_import_page, name="hotline_import"),
    path(
        "imports/hotline/template.xlsx", views_import.hotline_import_template, name="hotline_import_template"
    ),
    # Public, no login: the receipt number is the reporter's key to the event.
    path("report/", views.report, name="report"),
    path("track/", views.track, name="track"),
    path("track/<str:receipt>/", views.track_detail, name="track_detail"),
    path("track/<str:receipt>/rate/", views.track_rate, name="track_rate"),
]
