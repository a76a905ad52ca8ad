from django.urls import path
from django.views.generic import TemplateView

app_name = "catalog"
urlpatterns = []
_stub = TemplateView.as_view(template_name="base.html")
urlpatterns += [path(f"{n}/", _stub, name=n) for n in ["item_list", "scenario_list", "release_list"]]
