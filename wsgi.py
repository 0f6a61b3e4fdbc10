"""WSGI entry point: `gunicorn wsgi:app`."""

from cloudmanager import create_app

app = create_app()
