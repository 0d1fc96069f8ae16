"""Contender (a), the floor: plain Django views that build each queryset by hand, read ``values()`` and render
with orjson. Django's session (``AuthenticationMiddleware``) authenticates, and ``CsrfViewMiddleware`` guards
the create, as for every other contender."""

from __future__ import annotations

import secrets

import orjson
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .models import ToDo

FIELDS = [field.name for field in ToDo._meta.concrete_fields]
ORDER = ("-modified", "-name")
EQUALS = ("status", "priority", "project")
EITHER = ("either_status", "either_priority")


def _json(data: object, status: int = 200) -> HttpResponse:
    return HttpResponse(orjson.dumps(data), status=status, content_type="application/json")


def _forbidden() -> HttpResponse:
    return _json({"detail": "Not authenticated"}, status=403)


def _filtered(params: dict) -> object:
    queryset = ToDo.objects.filter(**{key: params[key] for key in EQUALS if key in params})
    either = Q()
    for key in EITHER:
        if key in params:
            either |= Q(**{key.removeprefix("either_"): params[key]})
    return queryset.filter(either) if either else queryset


@require_http_methods(["GET", "POST"])
def todo_list(request: HttpRequest) -> HttpResponse:
    """``GET``: ``fields`` (comma-separated), equality filters, ``either_*`` ORed, ``offset``/``limit``;
    ``POST``: insert one row from a JSON body."""
    if not request.user.is_authenticated:
        return _forbidden()
    if request.method == "POST":
        return _create(request)
    params = request.GET
    fields = [name for name in params.get("fields", "name").split(",") if name in FIELDS] or ["name"]
    start, length = int(params.get("offset", 0)), int(params.get("limit", 20))
    rows = list(_filtered(params).order_by(*ORDER).values(*fields)[start:start + length])
    return _json({"data": rows})


def _create(request: HttpRequest) -> HttpResponse:
    data = orjson.loads(request.body)
    now, user = timezone.now(), request.user.get_username()
    todo = ToDo(name=secrets.token_hex(5), owner=user, modified_by=user, creation=now, modified=now,
                description=data.get("description", ""), status=data.get("status", "Open"),
                priority=data.get("priority", "Medium"), date=data.get("date"), project_id=data.get("project"))
    todo.save(force_insert=True)
    return _json({"data": {name: getattr(todo, ToDo._meta.get_field(name).attname) for name in FIELDS}})


@require_GET
def todo_count(request: HttpRequest) -> HttpResponse:
    """How many rows match the equality filters."""
    if not request.user.is_authenticated:
        return _forbidden()
    return _json({"data": _filtered(request.GET).count()})


@require_GET
def todo_detail(request: HttpRequest, name: str) -> HttpResponse:
    """One row, every field."""
    if not request.user.is_authenticated:
        return _forbidden()
    row = ToDo.objects.filter(name=name).values(*FIELDS).first()
    return _json({"data": row}) if row is not None else _json({"detail": "Not found"}, status=404)
