"""The benchmark's DocTypes, registered in code as any project registers them."""

import frappe_api

from .models import Project, SalesOrder, SalesOrderItem, ToDo

MANAGER = {"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1}

frappe_api.register(Project, doctype="Project", naming_rule="field:project_name", title_field="project_name",
                    permissions=[MANAGER])
frappe_api.register(ToDo, doctype="ToDo", title_field="description", permissions=[MANAGER])
frappe_api.register(SalesOrder, doctype="Sales Order", naming_rule="SO-.#####", permissions=[MANAGER])
frappe_api.register(SalesOrderItem, doctype="Sales Order Item", istable=True)
