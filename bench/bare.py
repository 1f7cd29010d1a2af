"""The practical ceiling of this stack on this machine: a Django view that inserts one row
into PostgreSQL and answers, with nothing else (no template, no form, no checks). Served
by the same gunicorn set-up as the real application, through ``bench.bare:application``.

Beside it, a reference for what the ceiling leaves to a signature: a view that only
stores one, through the signing service (the address encrypted, its keyed hash, the
confirmation task queued with it), with no CSRF check, form, anti-robot proof, rate limit
nor page — what the issue requires of the database and nothing of the request."""

import functools
import os
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

TABLE = "bench_bare_insert"


@csrf_exempt
def insert_one_row(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (email) VALUES (%s)", [request.POST.get("email", "")])
    return HttpResponse("ok")


@functools.cache
def bench_petition(slug: str) -> Any:
    """Read once per process, as the signing page keeps the petitions it serves."""
    from colombe.petitions.models import Petition

    return Petition.objects.get(slug=slug)


@csrf_exempt
def store_signature_only(request: HttpRequest) -> HttpResponse:
    from colombe.petitions import services

    services.sign(
        petition=bench_petition(request.POST["petition"]),
        first_name="Camille",
        last_name="Banc",
        email=request.POST["email"],
        postcode="75011",
        country="FR",
    )
    return HttpResponse("ok")


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("bare")


urlpatterns = [
    path("", home),
    path("insert/", insert_one_row),
    path("store-signature/", store_signature_only),
]


def create_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, email text)")
        cursor.execute(f"TRUNCATE {TABLE}")


def count_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]


def wsgi_application() -> WSGIHandler:
    """gunicorn 'bench.bare:wsgi_application()': the project's settings and middleware,
    with this module as the URL configuration."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "colombe.settings")
    import django
    from django.conf import settings

    django.setup(set_prefix=False)
    settings.ROOT_URLCONF = __name__
    return WSGIHandler()
