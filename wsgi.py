"""WSGI entry point: `gunicorn -c config/gunicorn.conf.py wsgi:app`, `flask --app wsgi …`."""
from app import create_app

app = create_app()
