"""Contender (a) under ``/plain/``."""

from django.urls import path

from . import plain

urlpatterns = [
    path("todo", plain.todo_list),
    path("todo/count", plain.todo_count),
    path("todo/<str:name>", plain.todo_detail),
]
