"""Open311 GeoReport v2 endpoints under /open311/v2/; every resource in .json and .xml."""

from django.urls import re_path

from zhifa.dispatch.open311 import views as open311

app_name = "open311"
FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^services" + FMT, open311.services_view, name="services"),
    re_path(r"^services/(?P<service_code>[^/]+)" + FMT, open311.service_definition_view, name="service"),
    re_path(r"^requests" + FMT, open311.requests_view, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]+)" + FMT, open311.request_view, name="request"),
]
