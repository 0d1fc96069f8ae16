"""The benchmark's app: two models registered as DocTypes, and contenders (a) and (b)."""

from django.apps import AppConfig


class BenchAppConfig(AppConfig):
    name = "benchapp"
    verbose_name = "Benchmark"
    default_auto_field = "django.db.models.BigAutoField"
