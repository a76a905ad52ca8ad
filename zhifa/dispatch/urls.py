"""Command-centre pages under /dispatch/: staff pages (login) and the public report / track pages."""

from django.urls import path

from zhifa.dispatch.coordination import views as coordination
from zhifa.dispatch.events import entry
from zhifa.dispatch.events import views as events
from zhifa.dispatch.fieldreport import views as fieldreport
from zhifa.dispatch.hotline import views as hotline
from zhifa.dispatch.public import views as public

app_name = "dispatch"
urlpatterns = [
    path("", events.board, name="board"),
    path("events/new/", entry.event_new, name="event_new"),
    path("events/<int:pk>/", events.event_detail, name="event_detail"),
    path("events/<int:pk>/<slug:action>/", events.event_action, name="event_action"),
    path("tasks/", events.my_tasks, name="my_tasks"),
    path("report-in/", fieldreport.report_in, name="report_in"),
    path("ledger.xlsx", events.ledger, name="ledger"),
    path("accuracy/", events.routing_accuracy, name="routing_accuracy"),
    # Coordination: meetings (会商联席) and evidence shared between units.
    path("consultations/", coordination.consultation_list, name="consultation_list"),
    path("consultations/<int:pk>/", coordination.consultation_detail, name="consultation_detail"),
    path("consultations/<int:pk>/record/", coordination.consultation_record, name="consultation_record"),
    path("events/<int:pk>/consultations/new/", coordination.consultation_new, name="consultation_new"),
    path("events/<int:pk>/evidence/new/", coordination.evidence_attach, name="evidence_attach"),
    path("evidence/<int:pk>/file/", coordination.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/withdraw/", coordination.evidence_withdraw, name="evidence_withdraw"),
    path("evidence/<int:pk>/adopt/", coordination.evidence_adopt, name="evidence_adopt"),
    path("imports/hotline/", hotline.hotline_import_page, name="hotline_import"),
    path("imports/hotline/template.xlsx", hotline.hotline_import_template, name="hotline_import_template"),
    # Public, no login: the receipt number is the reporter's key to the event.
    path("report/", public.report, name="report"),
    path("track/", public.track, name="track"),
    path("track/<str:receipt>/", public.track_detail, name="track_detail"),
    path("track/<str:receipt>/rate/", public.track_rate, name="track_rate"),
]
