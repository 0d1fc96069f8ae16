"""GET /api/openapi.json: the OpenAPI 3.1 document built from the registry and the whitelist, per caller."""

from unittest import mock

import pytest
from django.contrib.auth.models import Group
from openapi_spec_validator import validate

from frappe_api.openapi.document import build_document

from . import rpc_methods  # noqa: F401 - registers tests.rpc_methods.*
from example_project.demo.models import Note

from .conftest import APIClient, logged_in
from .factories import NoteFactory, ToDoFactory
from .conftest import doctype_form as admin_form

pytestmark = pytest.mark.django_db

URL = "/api/openapi.json"


def fetch(client, **extra):
    response = client.get(URL, **extra)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_administrator_document_validates_and_describes_every_doctype(admin_client):
    document = fetch(admin_client)
    validate(document)
    assert document["openapi"] == "3.1.0"
    for path in ("/api/resource/ToDo", "/api/resource/ToDo/{name}", "/api/v2/document/ToDo",
                 "/api/v2/document/ToDo/{name}", "/api/v2/doctype/ToDo/count", "/api/resource/Sales%20Order",
                 "/api/v2/document/Sales%20Order/bulk_delete", "/api/method/frappe.client.get_list",
                 "/api/method/login"):
        assert path in document["paths"], path
    assert set(document["paths"]["/api/resource/ToDo"]) == {"get", "post"}
    assert set(document["paths"]["/api/resource/ToDo/{name}"]) == {"get", "put", "delete"}
    assert set(document["paths"]["/api/v2/document/ToDo/{name}"]) == {"get", "patch", "put", "delete"}
    assert "/api/resource/Sales%20Order%20Item" not in document["paths"]  # a child table: read through its parent


def test_field_types_map_to_json_schema(admin_client):
    schemas = fetch(admin_client)["components"]["schemas"]
    todo = schemas["ToDo"]["properties"]
    assert todo["status"]["enum"] == ["Open", "Closed", "Cancelled"] and todo["status"]["maxLength"] == 20
    assert todo["reference_type"] == {"type": "string", "maxLength": 140, "title": "Reference type",
                                      "x-frappe-fieldtype": "Data"}
    assert todo["date"]["type"] == ["string", "null"] and todo["date"]["format"] == "date"
    assert todo["allocated_to"]["x-frappe-link"] == "User"
    assert todo["creation"]["pattern"] == r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$"
    assert todo["creation"]["readOnly"] is True and todo["docstatus"]["enum"] == [0, 1, 2]
    assert schemas["Note"]["properties"]["public"]["enum"] == [0, 1]
    order = schemas["SalesOrder"]["properties"]
    assert order["grand_total"]["type"] == "number" and order["grand_total"]["readOnly"] is True
    assert order["delivery_time"]["pattern"] == r"^\d{2}:\d{2}:\d{2}(\.\d{1,6})?$"
    assert order["items"] == {"type": "array", "items": {"$ref": "#/components/schemas/SalesOrderItem"}}
    assert schemas["SalesOrderItem"]["properties"]["parenttype"]["type"] == "string"
    assert schemas["SalesOrderItem"]["properties"]["qty"]["type"] == "integer"
    assert schemas["SalesOrderItem"]["properties"]["discount_percentage"]["type"] == ["number", "null"]


def test_create_and_update_shapes_differ_from_the_read_shape(admin_client):
    schemas = fetch(admin_client)["components"]["schemas"]
    create, update = schemas["SalesOrderCreate"], schemas["SalesOrderUpdate"]
    assert create["required"] == ["customer", "transaction_date"] and "required" not in update
    for shape in (create, update):
        assert "grand_total" not in shape["properties"] and "modified" not in shape["properties"]
    assert create["properties"]["items"]["items"] == {"$ref": "#/components/schemas/SalesOrderItemCreate"}
    assert "parent" not in schemas["SalesOrderItemCreate"]["properties"]
    assert schemas["UserCreate"]["properties"]["new_password"]["writeOnly"] is True
    assert "new_password" not in schemas["User"]["properties"]
    assert "password" not in schemas["User"]["properties"]


def test_error_bodies_are_documented_per_status(admin_client):
    document = fetch(admin_client)
    operation = document["paths"]["/api/resource/ToDo"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "413", "415", "417", "429", "503"} == set(operation["responses"])
    assert operation["responses"]["417"] == {"$ref": "#/components/responses/V1Error417"}
    v2 = document["paths"]["/api/v2/document/ToDo"]["get"]["responses"]["404"]
    assert v2 == {"$ref": "#/components/responses/V2Error404"}
    errors = document["components"]["schemas"]
    assert errors["V1Error"]["required"] == ["exc_type", "exception"]
    assert set(errors["V1Error"]["properties"]) >= {"exc_type", "exception", "exc", "_server_messages"}
    assert errors["V2Error"]["required"] == ["errors"]


def test_list_parameters_carry_grammar_and_examples(admin_client):
    paths = fetch(admin_client)["paths"]
    v1 = {p["name"]: p for p in paths["/api/resource/ToDo"]["get"]["parameters"]}
    v2 = {p["name"]: p for p in paths["/api/v2/document/ToDo"]["get"]["parameters"]}
    assert set(v1) == {"fields", "filters", "or_filters", "order_by", "group_by", "limit_start",
                       "limit_page_length", "limit", "as_dict", "expand", "debug"}
    assert {"start", "limit", "include"} <= set(v2) and "limit_start" not in v2
    assert "descendants of" in v1["filters"]["description"]
    assert v1["filters"]["examples"]["list"]["value"] == '[["status", "=", "Open"]]'
    note_filters = paths["/api/resource/Note"]["get"]["parameters"][1]
    assert note_filters["examples"]["list"]["value"] == '[["title", "like", "%a%"]]'
    envelope = paths["/api/v2/document/ToDo"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(envelope["properties"]) == {"data", "has_next_page", "count", "debug"}


def test_methods_from_signature_hints_and_docstring(admin_client):
    paths = fetch(admin_client)["paths"]
    echo = paths["/api/method/tests.rpc_methods.echo"]
    assert set(echo) == {"get", "post", "put", "delete"}
    params = {p["name"]: p for p in echo["get"]["parameters"]}
    assert params["text"]["schema"] == {"type": "string", "default": ""}
    assert params["times"]["schema"] == {"type": "integer", "default": 1}
    assert params["flag"]["schema"] == {"type": "boolean", "default": False}
    assert params["items"]["content"]["application/json"]["schema"] == {"type": ["array", "null"], "default": None}
    assert echo["post"]["requestBody"]["content"]["application/json"]["schema"]["additionalProperties"] is True
    assert echo["get"]["security"][0] == {}  # allow_guest
    assert set(paths["/api/method/tests.rpc_methods.post_only"]) == {"post"}
    needs = paths["/api/method/tests.rpc_methods.needs_arg"]["get"]["parameters"]
    assert needs == [{"name": "required", "in": "query", "schema": {"type": "integer"}, "required": True}]
    ping = paths["/api/method/frappe.handler.ping"]["get"]
    assert ping["summary"] == "`pong`, for anyone."
    assert "/api/method/tests.rpc_methods.not_whitelisted" not in paths


def test_security_schemes(admin_client):
    document = fetch(admin_client)
    schemes = document["components"]["securitySchemes"]
    assert schemes["token"] == {"type": "apiKey", "in": "header", "name": "Authorization",
                                "description": schemes["token"]["description"]}
    assert schemes["basic"]["scheme"] == "basic"
    flow = schemes["oauth2"]["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == "/api/method/frappe.integrations.oauth2.authorize"
    assert flow["tokenUrl"] == "/api/method/frappe.integrations.oauth2.get_token"
    assert set(flow["scopes"]) == {"all", "openid"}
    assert schemes["sid"] == {**schemes["sid"], "in": "cookie", "name": "sid"}
    assert schemes["csrf"]["name"] == "X-Frappe-CSRF-Token"
    assert {"sid": [], "csrf": []} in document["security"] and {"oauth2": ["all"]} in document["security"]


def test_guest_sees_only_what_guest_may_use(guest_client):
    document = fetch(guest_client)
    validate(document)
    assert not [path for path in document["paths"] if path.startswith(("/api/resource", "/api/v2/document"))]
    methods = {path for path in document["paths"] if path.startswith("/api/method/")}
    assert "/api/method/frappe.handler.ping" in methods and "/api/method/tests.rpc_methods.echo" in methods
    assert "/api/method/frappe.client.get_list" not in methods
    assert "/api/method/tests.rpc_methods.who_am_i" not in methods
    assert document["security"][0] == {}


def test_guest_sees_a_doctype_guest_may_read(guest_client, admin_client):
    response = admin_client.post("/admin/frappe_api/doctype/add/", admin_form(
        Note, name="Public Note", **{"permissions-TOTAL_FORMS": "1", "permissions-0-role": "Guest",
                                     "permissions-0-permlevel": "0", "permissions-0-read": "on"}))
    assert response.status_code == 302, response.content[:3000]
    paths = fetch(guest_client)["paths"]
    assert set(paths["/api/resource/Public%20Note"]) == {"get"}
    assert set(paths["/api/resource/Public%20Note/{name}"]) == {"get"}


def test_public_setting_answers_guest_the_full_document(guest_client, admin_client, settings):
    settings.FRAPPE_API = {"OPENAPI_PUBLIC": True}
    document = fetch(guest_client)
    assert "/api/resource/ToDo" in document["paths"] and "/api/method/frappe.client.get_list" in document["paths"]
    assert document == fetch(admin_client)


def test_a_user_sees_the_doctypes_and_rights_it_holds(jane_client):
    document = fetch(jane_client)
    validate(document)
    paths = document["paths"]
    assert set(paths["/api/resource/ToDo"]) == {"get", "post"}  # All: if_owner read/write/create/delete
    assert "/api/resource/Note" not in paths and "/api/resource/Customer" not in paths
    assert "/api/method/frappe.client.get_list" in paths
    assert "Note" not in document["components"]["schemas"]


def test_a_role_adds_its_doctypes_and_only_its_rights(jane, settings):
    jane.groups.add(Group.objects.get_or_create(name="Sales User")[0])
    paths = fetch(logged_in(jane))["paths"]
    assert set(paths["/api/resource/Territory"]) == {"get"} and set(paths["/api/resource/Territory/{name}"]) == {"get"}
    assert set(paths["/api/resource/Customer/{name}"]) == {"get", "put"}


def test_fields_above_the_users_permission_level_are_left_out(admin_client, jane):
    response = admin_client.post("/admin/frappe_api/doctype/add/", admin_form(
        Note, name="Leveled Note", field_permlevels='{"content": 1}',
        **{"permissions-TOTAL_FORMS": "2", "permissions-0-role": "All", "permissions-0-permlevel": "0",
           "permissions-0-read": "on", "permissions-0-write": "on", "permissions-0-create": "on",
           "permissions-1-role": "System Manager", "permissions-1-permlevel": "1", "permissions-1-read": "on"}))
    assert response.status_code == 302, response.content[:3000]
    assert "content" in fetch(admin_client)["components"]["schemas"]["LeveledNote"]["properties"]
    schemas = fetch(logged_in(jane))["components"]["schemas"]
    assert "content" not in schemas["LeveledNote"]["properties"]
    assert "content" not in schemas["LeveledNoteCreate"]["properties"]
    assert "title" in schemas["LeveledNoteCreate"]["properties"]


def test_a_doctype_registered_in_the_admin_appears_at_the_next_request(admin_client):
    assert "/api/resource/Memo" not in fetch(admin_client)["paths"]
    response = admin_client.post("/admin/frappe_api/doctype/add/", admin_form(Note, hidden_fields="content"))
    assert response.status_code == 302
    document = fetch(admin_client)
    assert "/api/resource/Memo" in document["paths"]
    assert "content" not in document["components"]["schemas"]["Memo"]["properties"]
    validate(document)


def test_the_document_is_cached_per_registry_and_caller(admin_client, jane_client):
    with mock.patch("frappe_api.openapi.document.build_document", wraps=build_document) as build:
        first = admin_client.get(URL).content
        assert admin_client.get(URL).content == first
        assert build.call_count == 1
        mine = jane_client.get(URL).content
        assert jane_client.get(URL).content == mine != first
        assert build.call_count == 2
        admin_client.post("/admin/frappe_api/doctype/add/", admin_form(Note))
        assert admin_client.get(URL).content != first
        assert build.call_count == 3


def test_api_key_reads_the_document(admin_client, administrator):
    keys = admin_client.post("/api/method/frappe.core.doctype.user.user.generate_keys",
                             {"user": "Administrator"}).json()["message"]
    client = APIClient()
    document = fetch(client, HTTP_AUTHORIZATION=f"token {keys['api_key']}:{keys['api_secret']}")
    assert "/api/resource/ToDo" in document["paths"]
    assert client.get(URL, HTTP_AUTHORIZATION="token nope:nope").status_code == 401


def test_build_document_without_a_user_describes_everything(db):
    document = build_document()
    validate(document)
    assert "/api/method/frappe.client.get_list" in document["paths"]
    assert document["servers"] == [{"url": "/"}]


def test_list_examples_are_requests_that_work(admin_client):
    """Swagger UI's "Try it out" fills in each parameter's first example: together they must answer 200."""
    ToDoFactory(status="Open")
    NoteFactory(title="a note")
    paths = fetch(admin_client)["paths"]
    for path, operations in paths.items():
        if not (path.startswith(("/api/resource/", "/api/v2/document/")) and "{" not in path) or "/bulk_" in path:
            continue
        params = {p["name"]: next(iter(p["examples"].values()))["value"]
                  for p in operations["get"]["parameters"] if "examples" in p}
        response = admin_client.get(path, params)
        assert response.status_code == 200, (path, params, response.content[:300])
        for parameter in operations["get"]["parameters"]:
            if parameter["name"] == "group_by":  # with the default fields (name): tested above, with an aggregate
                continue
            for name, example in parameter.get("examples", {}).items():
                single = admin_client.get(path, {parameter["name"]: example["value"]})
                assert single.status_code == 200, (path, parameter["name"], name, single.content[:300])
