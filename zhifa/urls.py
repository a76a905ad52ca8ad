"""URL map: pages per app, the JSON API, and the Django admin."""

from django.contrib import admin
from django.urls import include, path

from zhifa import navigation
from zhifa.api import api

admin.site.site_header = "zhifa 大综合一体化行政执法平台"
admin.site.site_title = "zhifa 管理"

urlpatterns = [
    path("", include("zhifa.dashboard.urls")),
    path("start/", navigation.start, name="start"),
    path("accounts/", include("zhifa.accounts.urls")),
    path("org/", include("zhifa.org.urls")),
    path("catalog/", include("zhifa.catalog.urls")),
    path("dispatch/", include("zhifa.dispatch.urls")),
    path("subjects/", include("zhifa.subjects.urls")),
    path("inspections/", include("zhifa.inspections.urls")),
    path("risk/", include("zhifa.risk.urls")),
    path("cases/", include("zhifa.cases.urls")),
    path("oversight/", include("zhifa.oversight.urls")),
    path("", include("zhifa.codes.urls")),  # /c/ and /s/ (public), /codes/ (staff, JWKS)
    path("open311/v2/", include("zhifa.dispatch.open311.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
