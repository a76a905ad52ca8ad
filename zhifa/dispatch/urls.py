from django.urls import path
from django.views.generic import TemplateView

app_name = "dispatch"
_stub = TemplateView.as_view(template_name="base.html")
urlpatterns = [path(f"{n}/", _stub, name=n) for n in ["board", "my_tasks"]]
