"""ORM lookups Frappe's operators need that Django lacks: ``like`` with client-supplied wildcards."""

from __future__ import annotations

from django.db.models import Field, ForeignObject, Lookup


@ForeignObject.register_lookup  # a Link column (its own lookups are not inherited from Field)
@Field.register_lookup
class FrappeLike(Lookup):
    """``field LIKE pattern``, case-insensitive on every database; the pattern is a bound parameter.

    The client's ``%`` and ``_`` are wildcards, a backslash is an ordinary
    character (as in Frappe, which escapes it).
    """

    lookup_name = "frappe_like"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):  # noqa: ANN001, ANN201 - Django's signature
        pattern = str(value)
        if connection.vendor in ("postgresql", "mysql"):
            pattern = pattern.replace("\\", "\\\\")
        return "%s", [pattern]

    def as_sql(self, compiler, connection):  # noqa: ANN001, ANN201 - Django's signature
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs_sql}::text ILIKE {rhs_sql}", [*lhs_params, *rhs_params]
        if connection.vendor == "sqlite":
            return f"{lhs_sql} LIKE {rhs_sql}", [*lhs_params, *rhs_params]
        return f"LOWER({lhs_sql}) LIKE LOWER({rhs_sql})", [*lhs_params, *rhs_params]
