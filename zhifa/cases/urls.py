"""Case pages under /cases/."""

from django.urls import path

from zhifa.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_new, name="case_new"),
    path("on-spot/", views.on_spot, name="on_spot"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/act/<str:name>/", views.case_action, name="case_action"),
    path("<int:pk>/evidence/<int:evidence_pk>/file/", views.evidence_file, name="evidence_file"),
    path("<int:pk>/documents/<int:document_pk>/pdf/", views.document_pdf, name="document_pdf"),
    path("<int:pk>/site-record/pdf/", views.site_record_pdf, name="site_record_pdf"),
    path(
        "<int:pk>/documents/<int:document_pk>/signature/", views.document_signature, name="document_signature"
    ),
]
