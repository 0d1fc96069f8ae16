"""Compiled list statements: the SQL Django wrote for a list query, kept per process and run again as is.

Building a queryset and having Django compile it costs more CPU than running a short query. A caller that
knows a list query's SQL depends on nothing but its key (``ListQuery.cache_key()`` and what else it adds) keeps
the ``Statement`` in ``CompiledLists`` and runs it again: ``cursor.execute(sql, params)``, then the same
converters Django applies for ``values_list()``. The rows are those ``QuerySet.__iter__`` answers.

Django internals used (read in Django 5.2's ``SQLCompiler.results_iter``, which this mirrors):
``Query.get_compiler(using)``, ``SQLCompiler.as_sql()``, ``.select``, ``.col_count``, ``.has_extra_select``,
``.get_converters(expressions)``, ``.apply_converters(rows, converters)`` and, where it exists,
``.has_composite_fields``. Where one is missing, ``Statement.for_list`` answers None and the caller keeps the
queryset.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections

from ..meta import DocTypeMeta
from .compile import CompiledList, shape_rows

_COMPILER_API = ("as_sql", "get_converters", "apply_converters")


class Statement:
    """One list query's SQL, parameters and selected expressions (run on the connection of the running thread),
    and how its rows become Frappe's (``shape_rows``)."""

    __slots__ = ("alias", "as_dict", "converters", "expressions", "keys", "meta", "params", "query", "sql",
                 "width")

    def __init__(self, compiled: CompiledList, meta: DocTypeMeta, sql: str, params: tuple[Any, ...],
                 expressions: list[Any], width: int | None) -> None:
        self.query = compiled.queryset.query
        self.alias = compiled.queryset.db
        self.sql = sql
        self.params = params
        self.expressions = expressions
        self.width = width
        """The selected columns when the SQL selects more (ordering columns some databases need), else None."""
        self.keys = compiled.keys
        self.converters = compiled.converters
        self.as_dict = compiled.as_dict
        self.meta = meta
        """The DocType as the caller read it (held, so that a key naming its ``id()`` stays unambiguous)."""

    @classmethod
    def for_list(cls, compiled: CompiledList, meta: DocTypeMeta) -> Statement | None:
        """The statement of a compiled list of ``meta``, or None when it cannot be kept: child rows or expanded
        Links (more queries), an empty or annotated query, composite columns, or a Django without the
        compiler API this relies on."""
        query = compiled.queryset.query
        if compiled.children or compiled.expand or query.annotation_select or query.extra_select:
            return None
        compiler = query.get_compiler(using=compiled.queryset.db)
        if not all(callable(getattr(compiler, name, None)) for name in _COMPILER_API):
            return None
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        select, col_count = getattr(compiler, "select", None), getattr(compiler, "col_count", None)
        if not sql or select is None or col_count is None:
            return None
        expressions = [column[0] for column in select[:col_count]]
        has_composite = getattr(compiler, "has_composite_fields", None)
        if has_composite is not None and has_composite(expressions):
            return None
        width = col_count if getattr(compiler, "has_extra_select", False) else None
        return cls(compiled, meta, sql, tuple(params), expressions, width)

    def rows(self) -> list[tuple[Any, ...]]:
        """Run the SQL once and answer the rows as ``values_list()`` tuples."""
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, self.params)
            fetched = cursor.fetchall()
        if self.width is not None:
            fetched = [row[:self.width] for row in fetched]
        compiler = self.query.get_compiler(using=self.alias)
        converters = compiler.get_converters(self.expressions)
        return list(map(tuple, compiler.apply_converters(fetched, converters))) if converters else fetched

    def fetch(self) -> list[dict[str, Any]] | list[list[Any]]:
        """Run the SQL once and answer the rows as ``fetch_rows`` does."""
        return shape_rows(self.rows(), self.keys, self.converters, self.as_dict)


class CompiledLists:
    """This process's compiled list statements by key: at most ``size``, the least recently used dropped first.

    ``generation`` names the state the statements were compiled under (the caller's registry snapshot, its
    settings): a statement is answered only under the generation it was stored with, and a new generation
    drops them all."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._statements: OrderedDict[Hashable, Statement] = OrderedDict()
        self._generation: Hashable = None
        self._lock = threading.Lock()

    def get(self, key: Hashable, generation: Hashable) -> Statement | None:
        """The statement stored under ``key`` in this ``generation``, or None."""
        with self._lock:
            if generation != self._generation:
                self._statements.clear()
                self._generation = generation
                return None
            statement = self._statements.get(key)
            if statement is not None:
                self._statements.move_to_end(key)
            return statement

    def put(self, key: Hashable, generation: Hashable, statement: Statement) -> None:
        """Keep ``statement`` under ``key`` (compiled in ``generation``)."""
        with self._lock:
            if generation != self._generation:
                self._statements.clear()
                self._generation = generation
            self._statements[key] = statement
            self._statements.move_to_end(key)
            while len(self._statements) > self.size:
                self._statements.popitem(last=False)

    def clear(self) -> None:
        """Drop every statement."""
        with self._lock:
            self._statements.clear()

    def __len__(self) -> int:
        return len(self._statements)
