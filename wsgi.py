"""WSGI entry point: what gunicorn serves (`gunicorn wsgi:app`)."""

from kcvote import create_app

app = create_app()
