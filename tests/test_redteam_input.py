"""Red-team pass on input handling and files: impossible numbers, aggregates a database cannot run, and uploads
that fail half way each get a clear Frappe answer (never a 500) and leave nothing behind."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from example_project.demo.models import ToDo
from frappe_api.models import File

from .factories import NoteFactory, ToDoFactory

pytestmark = pytest.mark.django_db

HUGE = 2**70


def _message(response):
    body = response.json()
    if "errors" in body:
        return body["errors"][0]["message"]
    return json.loads(json.loads(body["_server_messages"])[0])["message"]


def _rows(response):
    body = response.json()
    return body.get("data", body.get("message"))


# --- offsets and page lengths past any database's integers --------------------------------------------------

@pytest.mark.parametrize("method,path,params", [
    ("get", "/api/resource/ToDo", {"limit_start": HUGE}),
    ("get", "/api/v1/resource/ToDo", {"limit_start": str(HUGE)}),
    ("get", "/api/resource/ToDo", {"limit_start": "1e30"}),
    ("get", "/api/v2/document/ToDo", {"start": HUGE}),
    ("get", "/api/method/frappe.client.get_list", {"doctype": "ToDo", "limit_start": HUGE}),
    ("post", "/api/v2/method/frappe.client.get_list", {"doctype": "ToDo", "limit_start": HUGE}),
    ("form", "/api/method/frappe.client.get_list", {"doctype": "ToDo", "limit_start": "9223372036854775808"}),
])
def test_an_offset_past_every_row_is_an_empty_page_not_a_500(admin_client, method, path, params):
    ToDoFactory()
    if method == "get":
        response = admin_client.get(path, params)
    elif method == "form":
        response = admin_client.post(path, params)
    else:
        response = admin_client.post_json(path, params)
    assert response.status_code == 200, response.content
    assert _rows(response) == []


# --- aggregates every database can run -------------------------------------------------------------------------

@pytest.mark.parametrize("doctype,field,message", [
    ("ToDo", "sum(description)", "Cannot use sum(description): Description is not a number"),
    ("ToDo", "avg(status)", "Cannot use avg(status): Status is not a number"),
    ("ToDo", "sum(date)", "Cannot use sum(date): Date is not a number"),
    ("ToDo", "avg(allocated_to)", "Cannot use avg(allocated_to): Allocated to is not a number"),
    ("ToDo", "sum(modified)", "Cannot use sum(modified): Modified is not a number"),
])
@pytest.mark.parametrize("surface", ["v1", "v2", "rpc"])
def test_sum_and_avg_of_what_is_not_a_number_is_a_417_on_every_surface(admin_client, doctype, field, message,
                                                                       surface):
    ToDoFactory()
    fields = json.dumps([field])
    if surface == "v1":
        response = admin_client.get(f"/api/resource/{doctype}", {"fields": fields})
    elif surface == "v2":
        response = admin_client.get(f"/api/v2/document/{doctype}", {"fields": fields})
    else:
        response = admin_client.post_json("/api/method/frappe.client.get_list", {"doctype": doctype,
                                                                                  "fields": [field]})
    assert response.status_code == 417, response.content
    assert _message(response) == message


def test_aggregates_of_a_check_count_it_as_0_or_1(admin_client):
    NoteFactory(public=True)
    NoteFactory(public=True)
    NoteFactory(public=False)
    response = admin_client.get("/api/resource/Note", {"fields": json.dumps(
        ["sum(public) as shown", "max(public) as most", "min(public) as least", "count(public) as n"])})
    assert response.status_code == 200, response.content
    row = response.json()["data"][0]
    assert row == {"shown": 2, "most": 1, "least": 0, "n": 3}
    assert all(type(value) is int for value in row.values())


# --- uploads that fail leave nothing behind; client file names are cleaned ------------------------------------

@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored(media):
    return sorted(path.name for path in media.rglob("*") if path.is_file())


@pytest.mark.parametrize("fields,status,message", [
    ({"file_name": "n" * 300 + ".txt"}, 417, "Ensure this value has at most 255 characters (it has 304)."),
    ({"folder": "f" * 200}, 417, "Ensure this value has at most 140 characters (it has 200)."),
    ({"doctype": "ToDo", "docname": "T-upload", "fieldname": "date"}, 417,
     "Invalid value for Date: '/files/{hash}.txt'"),
])
@pytest.mark.parametrize("path", ["/api/method/upload_file", "/api/v2/method/upload_file",
                                  "/api/method/frappe.handler.upload_file", "/"])
def test_an_upload_refused_after_its_bytes_arrived_keeps_no_bytes(admin_client, media, fields, status, message,
                                                                  path):
    ToDoFactory(name="T-upload", description="kept")
    data = {"file": SimpleUploadedFile("note.txt", b"hello", "text/plain"), **fields}
    if path == "/":
        data["cmd"] = "upload_file"
    response = admin_client.post(path, data)
    assert response.status_code == status, response.content
    if "{hash}" in message:
        prefix, _, suffix = message.partition("{hash}")
        assert _message(response).startswith(prefix) and _message(response).endswith(suffix)
    else:
        assert _message(response) == message
    assert _stored(media) == []
    assert not File.objects.exists()


@pytest.mark.parametrize("file_name,stored", [
    ("x\x00y.txt", "xy.txt"),
    ("re\r\nport.txt", "report.txt"),
    ("tab\there.txt", "tabhere.txt"),
    ("..\\..\\windows\\evil.txt", "evil.txt"),
    ("\x01\x02", "file"),
])
def test_a_client_file_name_loses_directories_and_control_characters(admin_client, media, file_name, stored):
    response = admin_client.post("/api/method/upload_file", {
        "file": SimpleUploadedFile("plain.txt", b"hello", "text/plain"), "file_name": file_name})
    assert response.status_code == 200, response.content
    assert response.json()["message"]["file_name"] == stored
    row = File.objects.get()
    assert row.file_name == stored
    served = admin_client.get(row.file_url)
    assert served.status_code == 200
    assert "\r" not in served["Content-Disposition"] and "%0" not in served["Content-Disposition"]
    assert served["X-Content-Type-Options"] == "nosniff"


def test_a_file_url_row_gets_a_clean_name_too(admin_client, media):
    first = admin_client.post("/api/method/upload_file", {
        "file": SimpleUploadedFile("plain.txt", b"hello", "text/plain")}).json()["message"]
    response = admin_client.post_json("/api/method/upload_file", {"file_url": first["file_url"],
                                                                  "file_name": "co\x00py\r\n.txt"})
    assert response.status_code == 200, response.content
    assert response.json()["message"]["file_name"] == "copy.txt"


# --- NUL in a filter is the same 417 on every database ---------------------------------------------------------

@pytest.mark.parametrize("condition,label", [
    (["description", "=", "a\x00b"], "Description"),
    (["description", "like", "%\x00%"], "Description"),
    (["name", "not like", "\x00"], "ID"),
    (["status", "in", ["Open", "\x00"]], "Status"),
    (["reference_name", "!=", "\x00"], "Reference name"),
])
@pytest.mark.parametrize("surface", ["v1", "v1-or", "v2", "get_count", "get_value"])
def test_a_nul_character_in_a_filter_is_a_417_on_every_database(admin_client, condition, label, surface):
    ToDoFactory(description="a")
    filters = json.dumps([condition])
    if surface == "v1":
        response = admin_client.get("/api/resource/ToDo", {"filters": filters})
    elif surface == "v1-or":
        response = admin_client.get("/api/resource/ToDo", {"or_filters": filters})
    elif surface == "v2":
        response = admin_client.get("/api/v2/document/ToDo", {"filters": filters})
    elif surface == "get_count":
        response = admin_client.post_json("/api/method/frappe.client.get_count", {"doctype": "ToDo",
                                                                                   "filters": [condition]})
    else:
        response = admin_client.get("/api/method/frappe.client.get_value", {
            "doctype": "ToDo", "fieldname": "name", "filters": filters})
    assert response.status_code == 417, response.content
    assert _message(response) == f"Invalid value for {label}: it contains a NUL character"


# --- a like pattern too long for a database is a 417 -------------------------------------------------------------

@pytest.mark.parametrize("operator", ["like", "not like"])
@pytest.mark.parametrize("pattern", ["%" + "a" * 60_000 + "%", "界" * 20_000])
@pytest.mark.parametrize("surface", ["v1", "v1-or", "v2", "get_count"])
def test_a_like_pattern_past_what_a_database_takes_is_a_417(admin_client, operator, pattern, surface):
    ToDoFactory(description="a")
    condition = ["description", operator, pattern]
    if surface == "v1":
        response = admin_client.get("/api/resource/ToDo", {"filters": json.dumps([condition])})
    elif surface == "v1-or":
        response = admin_client.get("/api/resource/ToDo", {"or_filters": json.dumps([condition])})
    elif surface == "v2":
        response = admin_client.get("/api/v2/document/ToDo", {"filters": json.dumps([condition])})
    else:
        response = admin_client.post_json("/api/method/frappe.client.get_count", {"doctype": "ToDo",
                                                                                   "filters": [condition]})
    assert response.status_code == 417, response.content
    assert _message(response) == "The pattern for Description is too long (at most 10000 characters)"



# --- request size limits answer 413 in Frappe's body --------------------------------------------------------------

MANY = "&".join(f"p{i}=1" for i in range(1_100))  # past Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1000)


@pytest.mark.parametrize("method,path", [
    ("get", "/api/resource/ToDo"),
    ("post", "/api/resource/ToDo"),
    ("get", "/api/v2/document/ToDo"),
    ("post", "/api/v2/document/ToDo"),
    ("get", "/api/method/frappe.client.get_list"),
    ("post", "/api/method/frappe.client.insert"),
    ("get", "/api/v2/method/ping"),
])
def test_more_parameters_than_django_allows_is_a_413_not_a_500(admin_client, method, path):
    if method == "get":
        response = admin_client.get(f"{path}?{MANY}")
    else:
        response = admin_client.post(path, MANY, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413, response.content
    assert response["Content-Type"] == "application/json"
    assert _message(response) == "Too many parameters or files in the request"


@pytest.mark.parametrize("method,path,body", [
    ("post", "/api/resource/ToDo", {"description": "x" * 2_000}),
    ("post", "/api/v2/document/ToDo", {"description": "x" * 2_000}),
    ("put", "/api/resource/ToDo/T-size", {"description": "x" * 2_000}),
    ("patch", "/api/v2/document/ToDo/T-size", {"description": "x" * 2_000}),
    ("post", "/api/method/frappe.client.insert", {"doc": {"doctype": "ToDo", "description": "x" * 2_000}}),
    ("post", "/api/v2/document/ToDo/bulk_insert", {"docs": [{"description": "x" * 100}] * 20}),
])
def test_a_json_body_past_djangos_upload_limit_is_a_413_as_a_form_body_is(admin_client, settings, method, path,
                                                                         body):
    ToDoFactory(name="T-size", description="kept")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = getattr(admin_client, method)(path, json.dumps(body), content_type="application/json")
    assert response.status_code == 413, response.content
    assert _message(response) == "Request data exceeds the maximum allowed size of 1000 bytes"
    assert [todo.description for todo in ToDo.objects.all()] == ["kept"]


# --- NaN and infinities are a 417 on every database (MariaDB cannot store or compare them) ----------------------

@pytest.fixture
def customer(db):
    from .factories import CustomerFactory

    return CustomerFactory(customer_name="C-nan")


def _order(item):
    return {"customer": "C-nan", "transaction_date": "2024-01-01",
            "items": [{"item_code": "i", "qty": 1, "rate": 1, **item}]}


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "inf", "1e400"])
@pytest.mark.parametrize("surface", ["v1", "v2", "rpc"])
def test_a_float_that_is_not_finite_is_a_417_and_nothing_is_stored(admin_client, customer, value, surface):
    from example_project.demo.models import SalesOrder

    body = _order({"discount_percentage": value})
    if surface == "v1":
        response = admin_client.post_json("/api/resource/Sales Order", body)
    elif surface == "v2":
        response = admin_client.post_json("/api/v2/document/Sales Order", body)
    else:
        response = admin_client.post_json("/api/method/frappe.client.insert", {"doc": {"doctype": "Sales Order",
                                                                                      **body}})
    assert response.status_code == 417, response.content
    assert _message(response) == f"Invalid value for Discount percentage: {value!r}"
    assert not SalesOrder.objects.exists()


@pytest.mark.parametrize("condition,label", [
    (["Sales Order Item", "discount_percentage", "<", "Infinity"], "Discount percentage"),
    (["Sales Order Item", "discount_percentage", "=", "NaN"], "Discount percentage"),
    (["Sales Order Item", "discount_percentage", "in", ["1", "-Infinity"]], "Discount percentage"),
    (["Sales Order Item", "discount_percentage", "between", ["0", "1e400"]], "Discount percentage"),
])
def test_a_filter_on_a_number_that_is_not_finite_is_a_417(admin_client, condition, label):
    response = admin_client.get("/api/resource/Sales Order", {"filters": json.dumps([condition])})
    assert response.status_code == 417, response.content
    assert _message(response).startswith(f"Invalid value for {label}: ")
