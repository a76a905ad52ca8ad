"""WSGI entry point for application servers (gunicorn, uwsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
application = get_wsgi_application()

# The first public report would otherwise wait seconds for the text classifier: build it now, in the background.
from zhifa.dispatch.directory import classifier_warm  # noqa: E402 (needs the apps loaded above)

classifier_warm()
