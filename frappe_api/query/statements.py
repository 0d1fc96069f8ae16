"""Compiled list statements: the SQL Django wrote for a list query, kept per process and run again as is.

Building a queryset and having Django compile it costs more CPU than running a short query. A caller that
knows a list query's SQL depends on nothing but its key (``ListQuery.cache_key()`` and what else it adds) keeps
the ``Statement`` in ``CompiledLists`` and runs it again: ``cursor.execute(sql, params)``, then the same
converters Django applies for ``values_list()`` (looked up once per connection). The rows are those
``QuerySet.__iter__`` answers. A count's statement is the one ``QuerySet.count()`` ran, recorded through
``connection.execute_wrapper``. A document's statement (``Statement.by_name``) is compiled once with a
placeholder name and run with each name asked for, its one parameter swapped.

Django internals used (read in Django 5.2's ``SQLCompiler.results_iter``, which this mirrors):
``Query.get_compiler(using)``, ``SQLCompiler.as_sql()``, ``.select``, ``.col_count``, ``.has_extra_select``,
``.get_converters(expressions)``, ``.apply_converters(rows, converters)`` and, where it exists,
``.has_composite_fields``. Where one is missing, ``Statement.for_list`` answers None and the caller keeps the
queryset.
"""

from __future__ import annotations

import secrets
import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from ..meta import DocTypeMeta
from .compile import CompiledList, shape_rows
from .values import Converter

_COMPILER_API = ("as_sql", "get_converters", "apply_converters")
_TEXT_NAMES = ("CharField", "TextField", "SlugField")
"""Name fields whose lookup parameter is the name itself (``str``): the ones a document statement serves."""


class Statement:
    """One list's or count's SQL and parameters, run on the connection of the running thread; for a list, the
    selected expressions (their converters) and how its rows become Frappe's (``shape_rows``)."""

    __slots__ = ("alias", "as_dict", "converters", "expressions", "keys", "meta", "params", "query", "slot",
                 "plain", "sql", "width", "_converting", "_lock")

    def __init__(self, alias: str, sql: str | None, params: tuple[Any, ...], meta: DocTypeMeta, *, query: Any = None,
                 expressions: tuple[Any, ...] = (), width: int | None = None, keys: tuple[str, ...] = (),
                 converters: tuple[tuple[int, Converter], ...] = (), as_dict: bool = True, plain: bool = False
                 ) -> None:
        self.alias = alias
        self.sql = sql
        self.params = params
        self.meta = meta
        """The DocType as the caller read it (held, so that a key naming its ``id()`` stays unambiguous)."""
        self.query = query
        self.expressions = expressions
        self.width = width
        """The selected columns when the SQL selects more (ordering columns some databases need), else None."""
        self.keys = keys
        self.converters = converters
        self.as_dict = as_dict
        self.plain = plain
        """Whether a list's rows are answered as ``PlainRows`` (``CompiledList.plain``)."""
        self.slot: int | None = None
        """A document statement's parameter holding the name (``by_name``), else None."""
        self._converting: weakref.WeakKeyDictionary[Any, tuple[Any, list[Any]]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    @classmethod
    def for_list(cls, compiled: CompiledList, meta: DocTypeMeta) -> Statement | None:
        """The statement of a compiled list of ``meta``, or None when it cannot be kept: child rows or expanded
        Links (more queries), an empty or annotated query, composite columns, or a Django without the
        compiler API this relies on."""
        if compiled.children or compiled.expand:
            return None
        return cls._compiled(compiled.queryset, meta, keys=compiled.keys, converters=compiled.converters,
                             as_dict=compiled.as_dict, plain=compiled.plain)

    @classmethod
    def _compiled(cls, queryset: QuerySet, meta: DocTypeMeta, **shape: Any) -> Statement | None:
        """The statement of ``queryset`` as ``values_list()`` would run it, or None when it cannot be kept: an
        empty or annotated query, composite columns, or a Django without the compiler API this relies on."""
        query, alias = queryset.query, queryset.db
        if query.annotation_select or query.extra_select:
            return None
        compiler = query.get_compiler(using=alias)
        if not all(callable(getattr(compiler, name, None)) for name in _COMPILER_API):
            return None
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        select, col_count = getattr(compiler, "select", None), getattr(compiler, "col_count", None)
        if not sql or select is None or col_count is None:
            return None
        expressions = tuple(column[0] for column in select[:col_count])
        has_composite = getattr(compiler, "has_composite_fields", None)
        if has_composite is not None and has_composite(expressions):
            return None
        return cls(alias, sql, tuple(params), meta, query=query, expressions=expressions,
                   width=col_count if getattr(compiler, "has_extra_select", False) else None, **shape)

    @classmethod
    def counting(cls, queryset: QuerySet, meta: DocTypeMeta) -> tuple[int, Statement | None]:
        """``queryset.count()``, and the statement it ran, recorded with Django's ``execute_wrapper`` (None when
        it ran none, an empty filter, or more than one)."""
        executed: list[tuple[str, Any, bool]] = []

        def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            executed.append((sql, params, many))
            return execute(sql, params, many, context)

        with connections[queryset.db].execute_wrapper(record):
            number = queryset.count()
        if len(executed) != 1 or executed[0][2]:
            return number, None
        sql, params, _ = executed[0]
        return number, cls(queryset.db, sql, tuple(params or ()), meta)

    @classmethod
    def by_name(cls, queryset: QuerySet, meta: DocTypeMeta, compile_for: Any) -> Statement | None:
        """The statement reading one document of ``meta`` by name, run with any name (``rows(name)``), or None.

        ``compile_for(placeholder)`` answers the ``values_list()`` queryset of the document named
        ``placeholder``. Only a name field whose parameter is the name as text, filtered on its own column,
        on a ``queryset`` with no condition of its own, is served; and only when the placeholder is exactly
        one of the compiled parameters."""
        base, name_field = queryset.query, meta.name
        model_field = name_field.model_field
        if base.where or base.annotations or base.extra or "__" in name_field.lookup or model_field is None \
                or model_field.get_internal_type() not in _TEXT_NAMES:
            return None
        placeholder = f"frappe-api-placeholder-{secrets.token_hex(16)}"
        statement = cls._compiled(compile_for(placeholder), meta)
        if statement is None or [index for index, param in enumerate(statement.params)
                                 if param == placeholder] != [len(statement.params) - 1]:
            return None
        statement.slot = len(statement.params) - 1
        return statement

    @classmethod
    def nothing(cls, meta: DocTypeMeta) -> Statement:
        """A placeholder kept where no statement can be (its ``sql`` is None), so that it is not tried again."""
        return cls("", None, (), meta)

    def rows(self, name: str | None = None) -> list[tuple[Any, ...]]:
        """Run the SQL once and answer the rows (a list's as ``values_list()`` tuples); a document statement's
        with ``name`` in place of its placeholder."""
        params = self.params if self.slot is None else (*self.params[:self.slot], str(name))
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        if self.width is not None:
            fetched = [row[:self.width] for row in fetched]
        if self.query is None:
            return fetched
        compiler, converters = self._converters(connection)
        return list(map(tuple, compiler.apply_converters(fetched, converters))) if converters else fetched

    def _converters(self, connection: Any) -> tuple[Any, list[Any]]:
        """The compiler of this statement's query on ``connection`` and its converters, looked up once per
        connection (they depend on the backend and the selected expressions only)."""
        found = self._converting.get(connection)
        if found is None:
            compiler = self.query.get_compiler(using=self.alias)
            found = compiler, compiler.get_converters(self.expressions)
            with self._lock:
                self._converting[connection] = found
        return found

    def fetch(self) -> list[dict[str, Any]] | list[list[Any]]:
        """A list's rows, as ``fetch_rows`` answers them (one SQL statement)."""
        return shape_rows(self.rows(), self.keys, self.converters, self.as_dict, plain=self.plain)

    def count(self) -> int:
        """A count's number (one SQL statement)."""
        return int(self.rows()[0][0])


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
