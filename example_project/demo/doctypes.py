"""The demo's DocTypes, registered in code (read by frappe_api at start)."""

from django.db.models import Value
from django.db.models.functions import Concat, Trim

import frappe_api
from frappe_api.roles import user_roles_table

from .models import Customer, Note, SalesOrder, SalesOrderItem, SellingSettings, Territory, ToDo, User


FULL = {"read": 1, "write": 1, "create": 1, "delete": 1}
SUBMIT = {**FULL, "submit": 1, "cancel": 1, "amend": 1}
MANAGER = {"role": "System Manager", **SUBMIT}


def set_new_password(user: User, value: str) -> None:
    """``new_password`` on create or update sets the password through Django's hashers."""
    if value:
        user.set_password(str(value))


frappe_api.register(ToDo, doctype="ToDo", title_field="description", allow_rename=True,
                    permissions=[MANAGER, {"role": "All", "if_owner": 1, **FULL}])
frappe_api.register(Note, doctype="Note", title_field="title", permissions=[MANAGER])
frappe_api.register(Territory, doctype="Territory", naming_rule="field:territory_name",
                    tree_parent_field="parent_territory", title_field="territory_name",
                    permissions=[MANAGER, {"role": "Sales User", "read": 1}])
frappe_api.register(Customer, doctype="Customer", naming_rule="field:customer_name", title_field="customer_name",
                    allow_rename=True, permissions=[MANAGER, {"role": "Sales User", "read": 1, "write": 1, "create": 1}])
frappe_api.register(SalesOrder, doctype="Sales Order", naming_rule="SO-.#####", is_submittable=True,
                    title_field="customer", allow_on_submit_fields=["remarks"], read_only_fields=["grand_total"],
                    permissions=[MANAGER, {"role": "Sales User", "read": 1, "write": 1, "create": 1, "submit": 1,
                                           "cancel": 1, "amend": 1}])
frappe_api.register(SalesOrderItem, doctype="Sales Order Item", istable=True)
frappe_api.register(SellingSettings, doctype="Selling Settings", issingle=True, read_only_fields=["modified"],
                    permissions=[MANAGER, {"role": "Sales User", "read": 1}])
frappe_api.register(
    User,
    doctype="User",
    name_field="username",
    field_map={"enabled": "is_active", "creation": "date_joined"},
    hidden_fields=["password", "is_superuser", "is_staff"],
    computed_fields={"full_name": Trim(Concat("first_name", Value(" "), "last_name"))},
    write_only_fields={"new_password": set_new_password},
    virtual_tables={"roles": user_roles_table()},
    sort_field="creation",
    title_field="full_name",
    permissions=[{"role": "System Manager", **FULL}],
)
