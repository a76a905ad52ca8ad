from django.urls import path
from django.views.generic import TemplateView

app_name = "org"
urlpatterns = []
_stub = TemplateView.as_view(template_name="base.html")
urlpatterns += [
    path(f"{n}/", _stub, name=n) for n in ["region_list", "team_list", "officer_list", "building_list"]
]
