"""Contender (b), what users pick instead: a DRF ``ModelViewSet`` with ``ModelSerializer``s,
``DjangoFilterBackend`` and limit/offset pages (the defaults in ``REST_FRAMEWORK``), plus a count action."""

from __future__ import annotations

import secrets

import django_filters
from django.db.models import Q
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from .models import ToDo

LIST_FIELDS = ["name", "description", "status", "date", "project"]


class ToDoSerializer(serializers.ModelSerializer):
    """Every field: the single read and the create."""

    class Meta:
        model = ToDo
        fields = "__all__"


class ToDoListSerializer(serializers.ModelSerializer):
    """The five fields every contender's list pages answer."""

    class Meta:
        model = ToDo
        fields = LIST_FIELDS


class ToDoFilter(django_filters.FilterSet):
    """Equality on ``status``, ``priority`` and ``project``; ``either_status`` and ``either_priority`` ORed."""

    either_status = django_filters.CharFilter(method="either")
    either_priority = django_filters.CharFilter(method="either")

    class Meta:
        model = ToDo
        fields = ["status", "priority", "project"]

    def either(self, queryset, name, value):
        return queryset  # applied together, as one OR, in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        either = Q()
        for name in ("either_status", "either_priority"):
            if value := self.form.cleaned_data.get(name):
                either |= Q(**{name.removeprefix("either_"): value})
        return queryset.filter(either) if either else queryset


class ToDoViewSet(viewsets.ModelViewSet):
    """``/drf/todo/``: list, create, retrieve (and update, delete), plus ``/drf/todo/count/``."""

    queryset = ToDo.objects.order_by("-modified", "-name")
    filterset_class = ToDoFilter

    def get_serializer_class(self):
        return ToDoListSerializer if self.action == "list" else ToDoSerializer

    def perform_create(self, serializer):
        user = self.request.user.get_username()
        serializer.save(name=secrets.token_hex(5), owner=user, modified_by=user)

    @action(detail=False)
    def count(self, request: Request) -> Response:
        """How many rows the filters match."""
        return Response({"count": self.filter_queryset(self.get_queryset()).count()})
