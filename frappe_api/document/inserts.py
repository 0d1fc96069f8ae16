"""The INSERT of a new row, its SQL kept per model and database instead of compiled by every ``save()``.

``insert(instance)`` writes a new row as ``instance.save(force_insert=True)`` would, for a model whose save
is Django's own: the same columns (``local_concrete_fields``), the same values (each field's ``pre_save`` then
``get_db_prep_save``), the same database (the router's), and the instance marked saved afterwards. Django's
compiler builds that statement anew for every save; here it is written once per model and database alias and
run with each row's parameters. Any model or value it does not cover goes through ``save()``:

* a ``save()`` of the model's own, ``pre_save``/``post_save`` receivers (checked at every insert), or
  multi-table inheritance;
* a value the database supplies or computes (an auto-increment primary key, ``db_default``, a generated
  field), a field with a placeholder of its own (``get_placeholder``, as geometry fields have);
* a value that is an expression (``F()``, a subquery).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router
from django.db.models.signals import post_save, pre_save

__all__ = ["insert", "one_statement", "saved_by_django"]


@dataclass(frozen=True)
class KeptInsert:
    """One model's INSERT on one database: its SQL and the fields whose values fill its placeholders."""

    sql: str
    fields: tuple[models.Field, ...]


# (model, database alias) -> the kept statement, or None for a model that always goes through save().
_kept: dict[tuple[type[models.Model], str], KeptInsert | None] = {}


def saved_by_django(model: type[models.Model]) -> bool:
    """Whether saving a ``model`` row runs nothing of the project's: Django's own ``save()``, no ``pre_save`` or
    ``post_save`` receiver (asked at every write: receivers may be connected at any time)."""
    return model.save is models.Model.save and not pre_save.has_listeners(model) \
        and not post_save.has_listeners(model)


def one_statement(model: type[models.Model]) -> bool:
    """Whether ``insert`` writes a ``model`` row with one statement: ``saved_by_django`` and one table (no
    multi-table inheritance), whether the kept INSERT or ``save()`` writes it."""
    return saved_by_django(model) and not model._meta.parents


def insert(instance: models.Model) -> None:
    """Write the new row ``instance`` (raising the database's errors, as ``save()`` does)."""
    model = type(instance)
    if not saved_by_django(model):
        instance.save(force_insert=True)
        return
    alias = router.db_for_write(model, instance=instance)
    try:
        kept = _kept[model, alias]
    except KeyError:
        kept = _kept.setdefault((model, alias), _compile(model, alias))
    if kept is None or getattr(instance, model._meta.pk.attname) is None:
        instance.save(force_insert=True)
        return
    instance._prepare_related_fields_for_save(operation_name="save")
    connection = connections[alias]
    params = []
    for field in kept.fields:
        value = field.pre_save(instance, True)
        if hasattr(value, "resolve_expression"):
            instance.save(force_insert=True)
            return
        params.append(field.get_db_prep_save(value, connection=connection))
    with connection.cursor() as cursor:
        cursor.execute(kept.sql, params)
    instance._state.adding = False
    instance._state.db = alias


def _compile(model: type[models.Model], alias: str) -> KeptInsert | None:
    opts = model._meta
    fields = tuple(opts.local_concrete_fields)
    if opts.parents or opts.proxy or any(_computed(field) for field in fields):
        return None
    quote = connections[alias].ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return KeptInsert(f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES ({placeholders})", fields)


def _computed(field: Any) -> bool:
    """Whether the database supplies the field's value, or its SQL placeholder is not a plain ``%s``."""
    return bool(field.db_returning or field.has_db_default() or getattr(field, "generated", False)
                or hasattr(field, "get_placeholder"))
