"""``frappe.desk.form.load.getdoctype`` / ``getdoc`` / ``get_docinfo``: form metadata and a document with its
timeline, shaped as Frappe's frappe/desk/form/load.py answers them (``docs`` at the top level, which
frappe-ui's ``frappeRequest`` returns whole and its ``Filter`` component reads as ``docs[0].fields``)."""

import dataclasses
import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from example_project.demo.models import SalesOrder
from frappe_api import registry as registry_module
from frappe_api.models import Comment, DocPerm, File
from frappe_api.registry import registry

from .conftest import APIClient
from .factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

GETDOCTYPE = "/api/method/frappe.desk.form.load.getdoctype"
GETDOC = "/api/method/frappe.desk.form.load.getdoc"
WHEN = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


@pytest.fixture
def customer_group_at_level_one():
    original = registry_module._code_options["Customer"]
    registry_module._code_options["Customer"] = dataclasses.replace(
        original, field_permlevels={"customer_group": 1}, search_fields=("customer_group",))
    registry.invalidate()
    yield
    registry_module._code_options["Customer"] = original
    registry.invalidate()


def client_for(username, *roles, **fields):
    user = UserFactory(username=username, **fields)
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = APIClient()
    client.force_login(user)
    return client


def test_getdoctype_answers_docs_with_the_child_tables_meta(admin_client):
    """frappe/desk/form/load.py getdoctype + get_meta_bundle: the DocType, then each table's DocType."""
    response = admin_client.get(GETDOCTYPE, {"doctype": "Sales Order"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(body) == ["docs", "user_settings"] and body["user_settings"] == "{}"
    assert [meta["name"] for meta in body["docs"]] == ["Sales Order", "Sales Order Item"]
    parent, child = body["docs"]
    fields = {field["fieldname"]: field for field in parent["fields"]}
    assert fields["customer"] == {
        "fieldname": "customer", "fieldtype": "Link", "label": "Customer", "options": "Customer", "reqd": 1,
        "read_only": 0, "hidden": 0, "unique": 0, "length": 0, "default": None, "permlevel": 0,
        "in_list_view": 1, "in_standard_filter": 0, "idx": fields["customer"]["idx"], "doctype": "DocField",
        "parent": "Sales Order", "parentfield": "fields", "parenttype": "DocType"}
    assert fields["items"]["fieldtype"] == "Table" and fields["items"]["options"] == "Sales Order Item"
    assert [field["idx"] for field in parent["fields"]] == list(range(1, len(parent["fields"]) + 1))
    assert (parent["doctype"], parent["is_submittable"], parent["title_field"]) == ("DocType", 1, "customer")
    assert {"item_code", "qty", "rate"} <= {field["fieldname"] for field in child["fields"]}
    assert child["istable"] == 1


def test_getdoctype_leaves_out_fields_above_the_callers_permlevel(customer_group_at_level_one):
    """frappe/desk/form/load.py: a field the user may not read is not in the meta they get."""
    sales = client_for("sam", "Sales User")
    fields = [field["fieldname"] for field in sales.post_json(GETDOCTYPE, {"doctype": "Customer"}).json()[
        "docs"][0]["fields"]]
    assert "customer_name" in fields and "customer_group" not in fields
    meta = sales.get(GETDOCTYPE, {"doctype": "Customer"}).json()["docs"][0]
    assert meta["search_fields"] is None
    admin = client_for("root", is_superuser=True)
    full = admin.get(GETDOCTYPE, {"doctype": "Customer"}).json()["docs"][0]
    assert full["search_fields"] == "customer_group"
    group = next(field for field in full["fields"] if field["fieldname"] == "customer_group")
    assert (group["permlevel"], group["in_list_view"], group["in_standard_filter"]) == (1, 1, 1)


def test_getdoctype_refuses_who_may_not_select_the_doctype():
    """frappe/desk/form/load.py getdoctype: here as the v2 meta endpoint, select on the DocType (or, for a
    child table, on a parent) is needed."""
    nobody = client_for("nobody")
    refused = nobody.get(GETDOCTYPE, {"doctype": "Customer"})
    assert refused.status_code == 403
    assert refused.json()["_error_message"] == "No permission for Customer"
    assert nobody.get(GETDOCTYPE, {"doctype": "Sales Order Item"}).status_code == 403
    assert nobody.get(GETDOCTYPE, {"doctype": "Nope"}).status_code == 403
    assert APIClient().get(GETDOCTYPE, {"doctype": "Customer"}).status_code == 403
    sales = client_for("sam", "Sales User")
    child = sales.get(GETDOCTYPE, {"doctype": "Sales Order Item", "with_parent": 1}).json()
    assert child["parent_dt"] == "Sales Order"
    assert [meta["name"] for meta in child["docs"]] == ["Sales Order", "Sales Order Item"]


def test_getdoc_answers_docs_and_docinfo(admin_client):
    """frappe/desk/form/load.py getdoc + get_docinfo: the document (nulls kept), comments split by type,
    attachments, the caller's rights, and empty lists for what this server does not keep."""
    CustomerFactory(customer_name="Acme", owner="Administrator")
    UserFactory(username="ann", first_name="Ann", last_name="Lee", email="ann@example.com")
    Comment.objects.create(name="c1", reference_doctype="Customer", reference_name="Acme", content="Hello",
                           owner="ann", creation=WHEN, comment_type="Comment")
    Comment.objects.create(name="c2", reference_doctype="Customer", reference_name="Acme", content="renamed",
                           owner="ann", creation=WHEN, comment_type="Edit")
    File.objects.create(name="f1", file_name="a.txt", file_url="/files/a.txt", attached_to_doctype="Customer",
                        attached_to_name="Acme", creation=WHEN)
    response = admin_client.get(GETDOC, {"doctype": "Customer", "name": "Acme"})
    assert response.status_code == 200, response.content
    body = response.json()
    expected_doc = admin_client.get("/api/method/frappe.client.get", {"doctype": "Customer", "name": "Acme"}
                                    ).json()["message"]
    assert "territory" not in expected_doc  # frappe.client.get drops nulls; getdoc keeps them
    assert body["docs"] == [{**expected_doc, "territory": None}]
    stamp = "2024-01-02 03:04:05.000000"
    rights = admin_client.get("/api/method/frappe.client.get_doc_permissions",
                              {"doctype": "Customer", "docname": "Acme"}).json()["message"]["permissions"]
    assert sorted(rights) == ["amend", "cancel", "create", "delete", "read", "select", "submit", "write"]
    assert body["docinfo"] == {
        "user_info": {"ann": {"fullname": "Ann Lee", "image": None, "name": "ann", "email": "ann@example.com",
                              "time_zone": None}},
        "comments": [{"name": "c1", "creation": stamp, "content": "Hello", "owner": "ann",
                      "comment_type": "Comment"}],
        "shared": [], "assignment_logs": [], "attachment_logs": [],
        "info_logs": [{"name": "c2", "creation": stamp, "content": "renamed", "owner": "ann",
                       "comment_type": "Edit"}],
        "like_logs": [], "workflow_logs": [], "doctype": "Customer", "name": "Acme",
        "attachments": [{"name": "f1", "file_name": "a.txt", "file_url": "/files/a.txt", "is_private": 0}],
        "communications": [], "automated_messages": [], "total_comments": 1, "versions": [], "assignments": [],
        "permissions": rights,
        "views": [], "energy_point_logs": [], "additional_timeline_content": [], "milestones": [],
        "is_document_followed": 0, "tags": "", "document_email": None}
    assert body["_link_titles"] == {} and "message" not in body
    info = admin_client.get("/api/method/frappe.desk.form.load.get_docinfo", {"doctype": "Customer",
                                                                              "name": "Acme"}).json()
    assert info == {"docinfo": body["docinfo"]}


def test_getdoc_of_a_missing_document_answers_an_empty_list_only_to_who_may_read_the_doctype(admin_client):
    """frappe/desk/form/load.py getdoc: ``return []`` when the document does not exist."""
    assert admin_client.get(GETDOC, {"doctype": "Customer", "name": "Nope"}).json() == {"message": []}
    nobody = client_for("nobody")
    refused = nobody.get(GETDOC, {"doctype": "Customer", "name": "Nope"})
    assert refused.status_code == 403
    assert refused.json()["_error_message"] == "No permission for Customer"


def test_getdoc_refuses_rows_and_fields_the_caller_may_not_read(customer_group_at_level_one):
    """frappe/desk/form/load.py getdoc: 403 without read on the document; fields above the user's level are
    removed (apply_fieldlevel_read_permissions)."""
    CustomerFactory(customer_name="Mine", owner="sam", customer_group="Secret")
    CustomerFactory(customer_name="Theirs", owner="bob", customer_group="Secret")
    Comment.objects.create(name="c9", reference_doctype="Customer", reference_name="Theirs", content="hidden",
                           owner="bob", creation=WHEN)
    DocPerm.objects.filter(doctype__name="Customer", role="Sales User").update(if_owner=True)
    registry.invalidate()
    sales = client_for("sam", "Sales User")
    mine = sales.get(GETDOC, {"doctype": "Customer", "name": "Mine"}).json()
    assert mine["docs"][0]["name"] == "Mine" and "customer_group" not in mine["docs"][0]
    assert mine["docinfo"]["permissions"]["read"] == 1 and mine["docinfo"]["permissions"]["delete"] == 0
    refused = sales.get(GETDOC, {"doctype": "Customer", "name": "Theirs"})
    assert refused.status_code == 403 and "hidden" not in refused.content.decode()
    assert sales.get("/api/method/frappe.desk.form.load.get_docinfo",
                     {"doctype": "Customer", "name": "Theirs"}).status_code == 403


def test_getdoc_of_a_submittable_document_with_child_rows(admin_client):
    """frappe/desk/form/load.py getdoc: child rows come inside the document."""
    CustomerFactory(customer_name="Acme")
    order = SalesOrder.objects.create(name="SO-1", customer_id="Acme", transaction_date=datetime.date(2024, 1, 1),
                                      owner="Administrator", creation=timezone.now())
    order.items.create(name="row1", item_code="A", qty=2, rate=1)
    doc = admin_client.get(GETDOC, {"doctype": "Sales Order", "name": "SO-1"}).json()["docs"][0]
    assert [row["item_code"] for row in doc["items"]] == ["A"]
