"""WSGI entry point (gunicorn continuum.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "continuum.settings")
application = get_wsgi_application()
