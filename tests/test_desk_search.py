"""``frappe.desk.search.search_link`` / ``search_widget``: the Link search of frappe-react-sdk's ``useSearch``
(GET, ``filters`` a JSON list) and frappe-ui's ``Link`` (POST, ``filters`` an object), shaped as Frappe's
frappe/desk/search.py answers it, through the read gate, in one query."""

import dataclasses
import json

import pytest
from django.db.models import Q

from frappe_api import registry as registry_module
from frappe_api.models import DocPerm, DocType
from frappe_api.registry import registry

from .conftest import APIClient, client_for
from .factories import CustomerFactory, NoteFactory, UserFactory

pytestmark = pytest.mark.django_db

SEARCH = "/api/method/frappe.desk.search.search_link"
WIDGET = "/api/method/frappe.desk.search.search_widget"


@pytest.fixture
def options():
    """Change a code DocType's registration options for one test."""
    originals = {}

    def change(doctype, **changes):
        originals.setdefault(doctype, registry_module._code_options[doctype])
        registry_module._code_options[doctype] = dataclasses.replace(registry_module._code_options[doctype],
                                                                     **changes)
        registry.invalidate()

    yield change
    registry_module._code_options.update(originals)
    registry.invalidate()


@pytest.fixture
def customers():
    for name, group in (("Acme West", "Retail"), ("West Acme", "Retail"), ("Northwest", "Wholesale"),
                        ("Bacme", "Retail")):
        CustomerFactory(customer_name=name, customer_group=group)


def test_search_link_get_as_use_search_sends_it(admin_client, customers):
    """frappe-react-sdk useSearch: GET, filters as a JSON list; frappe/desk/search.py search_link."""
    response = admin_client.get(SEARCH, {"doctype": "Customer", "txt": "we", "page_length": 20,
                                         "filters": json.dumps([["customer_group", "=", "Retail"]])})
    assert response.status_code == 200, response.content
    assert response.json() == {"message": [
        {"value": "West Acme", "description": "West Acme", "label": "West Acme"},
        {"value": "Acme West", "description": "Acme West", "label": "Acme West"},
    ]}


def test_search_link_post_with_object_filters_as_frappe_ui_link_sends_them(admin_client, customers):
    """frappe-ui Link: POST, filters as an object; frappe/desk/search.py search_link (make_filter_tuple)."""
    response = admin_client.post_json(SEARCH, {"doctype": "Customer", "txt": "acme",
                                               "filters": {"customer_group": ["!=", "Wholesale"]}})
    assert response.status_code == 200, response.content
    assert [row["value"] for row in response.json()["message"]] == ["Acme West", "Bacme", "West Acme"]


def test_search_orders_names_starting_with_the_text_first_then_by_name(admin_client, customers):
    """frappe/desk/search.py: relevance_sorter puts prefix matches first, the rest by name."""
    rows = admin_client.get(SEARCH, {"doctype": "Customer", "txt": "WE"}).json()["message"]
    assert [row["value"] for row in rows] == ["West Acme", "Acme West", "Northwest"]


def test_search_page_keeps_the_names_holding_the_text_earliest(admin_client, options):
    """frappe/desk/search.py: the page is chosen by where the text stands in the name (earliest first),
    then sorted; a match on another field only comes after."""
    options("Customer", search_fields=("customer_group",))
    for name in ("Zed", "Yak", "Wed Corp"):
        CustomerFactory(customer_name=name, customer_group="wed")
    rows = admin_client.get(SEARCH, {"doctype": "Customer", "txt": "wed", "page_length": 1}).json()["message"]
    assert rows == [{"value": "Wed Corp", "description": "Wed Corp, wed", "label": "Wed Corp"}]


def test_search_matches_and_shows_the_title_and_search_fields(admin_client, options):
    """frappe/desk/search.py get_std_fields_list: name, title field, then the search fields."""
    options("Customer", search_fields=("customer_group", "territory"))
    CustomerFactory(customer_name="Globex", customer_group="Enterprise")
    CustomerFactory(customer_name="Initech", customer_group="Retail")
    rows = admin_client.get(SEARCH, {"doctype": "Customer", "txt": "enter"}).json()["message"]
    assert rows == [{"value": "Globex", "description": "Globex, Enterprise", "label": "Globex"}]
    NoteFactory(name="n-1", title="Quarterly plan")
    NoteFactory(name="n-2", title="Other")
    notes = admin_client.get(SEARCH, {"doctype": "Note", "txt": "plan"}).json()["message"]
    assert notes == [{"value": "n-1", "description": "Quarterly plan", "label": "n-1"}]


def test_search_label_is_the_title_when_the_doctype_shows_it_in_links(admin_client, options):
    """frappe/desk/search.py build_for_autosuggest with show_title_field_in_link."""
    options("Note", show_title_field_in_link=True)
    NoteFactory(name="n-1", title="Quarterly plan")
    notes = admin_client.post_json(SEARCH, {"doctype": "Note", "txt": "plan"}).json()["message"]
    assert notes == [{"value": "n-1", "description": "n-1", "label": "Quarterly plan"}]


def test_search_leaves_out_disabled_documents_unless_asked(admin_client):
    """frappe/desk/search.py: an ``enabled`` check filters the results; ``include_disabled`` keeps them."""
    UserFactory(username="sam.on", first_name="Sam", last_name="On")
    UserFactory(username="sam.off", first_name="Sam", last_name="Off", is_active=False)
    rows = admin_client.get(SEARCH, {"doctype": "User", "txt": "sam"}).json()["message"]
    assert rows == [{"value": "sam.on", "description": "Sam On", "label": "sam.on"}]
    both = admin_client.post_json(SEARCH, {"doctype": "User", "txt": "sam", "filters": {"include_disabled": 1}})
    assert [row["value"] for row in both.json()["message"]] == ["sam.off", "sam.on"]


def test_search_shows_only_rows_the_caller_may_read(options):
    """frappe/desk/search.py goes through frappe.get_list: only permitted rows (here if_owner, then a
    permission_query)."""
    CustomerFactory(customer_name="Alice Co", owner="alice", customer_group="Public")
    CustomerFactory(customer_name="Bob Co", owner="bob", customer_group="Secret")
    alice = client_for("alice", "Sales User")
    DocPerm.objects.filter(doctype__name="Customer", role="Sales User").update(if_owner=True)
    registry.invalidate()
    assert alice.get(SEARCH, {"doctype": "Customer", "txt": "co"}).json() == {
        "message": [{"value": "Alice Co", "description": "Alice Co", "label": "Alice Co"}]}
    DocPerm.objects.filter(doctype__name="Customer", role="Sales User").update(if_owner=False)
    options("Customer", permission_query=lambda user: Q(customer_group="Secret"))
    assert [row["value"] for row in alice.get(SEARCH, {"doctype": "Customer", "txt": "co"}).json()["message"]] \
        == ["Bob Co"]
    widget = alice.get(WIDGET, {"doctype": "Customer", "txt": ""})
    assert widget.json() == {"message": [["Bob Co", "Bob Co"]]}


def test_search_refuses_a_user_without_read_or_select():
    """frappe/desk/search.py: frappe.get_list refuses a DocType the user may not read (403)."""
    CustomerFactory(customer_name="Acme")
    nobody = client_for("nobody")
    response = nobody.get(SEARCH, {"doctype": "Customer", "txt": "ac"})
    assert response.status_code == 403
    assert response.json()["_error_message"] == "No permission for Customer"
    assert "Acme" not in response.content.decode()
    assert nobody.get(WIDGET, {"doctype": "Customer", "txt": "ac"}).status_code == 403
    assert nobody.get(SEARCH, {"doctype": "No Such", "txt": "ac"}).status_code == 403
    assert APIClient().get(SEARCH, {"doctype": "Customer", "txt": "ac"}).status_code == 403


def test_search_with_select_only_finds_rows_by_name():
    """frappe/desk/search.py: Link search needs ``select`` (or read) on the DocType."""
    CustomerFactory(customer_name="Acme")
    DocPerm.objects.create(doctype=DocType.objects.get(name="Customer"), role="Picker", select=True,
                           read=False)
    registry.invalidate()
    picker = client_for("picker", "Picker")
    assert picker.get(SEARCH, {"doctype": "Customer", "txt": "ac"}).json() == {
        "message": [{"value": "Acme", "description": "Acme", "label": "Acme"}]}
    assert picker.get("/api/resource/Customer/Acme").status_code == 403


def test_search_never_matches_nor_shows_fields_above_the_callers_permlevel(options):
    """frappe/desk/search.py through frappe.get_list: fields above the user's permission level are not read."""
    options("Customer", search_fields=("customer_group",), field_permlevels={"customer_group": 1})
    CustomerFactory(customer_name="Acme", customer_group="Secretive")
    sales = client_for("sam", "Sales User")
    assert sales.get(SEARCH, {"doctype": "Customer", "txt": "secret"}).json() == {"message": []}
    assert sales.get(SEARCH, {"doctype": "Customer", "txt": "acme"}).json() == {
        "message": [{"value": "Acme", "description": "Acme", "label": "Acme"}]}
    refused = sales.get(SEARCH, {"doctype": "Customer", "txt": "a", "searchfield": "customer_group"})
    assert refused.status_code == 417
    assert "customer_group" in refused.json()["exception"]
    assert sales.get(WIDGET, {"doctype": "Customer", "txt": "a", "filter_fields": '["customer_group"]'}
                     ).status_code == 417
    assert sales.get(SEARCH, {"doctype": "Customer", "txt": "a",
                              "filters": '[["customer_group", "=", "Secretive"]]'}).status_code == 417


def test_search_widget_answers_rows_as_lists_or_dicts(admin_client, options):
    """frappe/desk/search.py search_widget: lists (name first) or dicts with as_dict."""
    options("Customer", search_fields=("customer_group",))
    CustomerFactory(customer_name="Acme", customer_group="Retail")
    assert admin_client.get(WIDGET, {"doctype": "Customer", "txt": "acm"}).json() == {
        "message": [["Acme", "Acme", "Retail"]]}
    assert admin_client.post_json(WIDGET, {"doctype": "Customer", "txt": "acm", "as_dict": 1}).json() == {
        "message": [{"name": "Acme", "customer_name": "Acme", "customer_group": "Retail"}]}


def test_search_matches_a_like_pattern_only_as_text(admin_client, customers):
    """frappe/desk/search.py: ``txt`` goes into ``like %txt%`` as a value, never as SQL."""
    assert admin_client.get(SEARCH, {"doctype": "Customer", "txt": "') OR 1=1 --"}).json() == {"message": []}
    assert admin_client.get(SEARCH, {"doctype": "Customer", "txt": "x", "query": "myapp.queries.q"}
                            ).status_code == 417
    assert admin_client.get(SEARCH, {"doctype": "Customer", "txt": "x", "searchfield": "name; drop"}
                            ).status_code == 417


@pytest.mark.parametrize("rows", [1, 30])
def test_search_runs_one_query_whatever_the_rows_and_fields(admin_client, options, django_assert_num_queries,
                                                            rows):
    """frappe/desk/search.py makes one frappe.get_list call; here: the session, its user, and one query."""
    options("Customer", search_fields=("customer_group", "territory"))
    for number in range(rows):
        CustomerFactory(customer_name=f"Acme {number}", customer_group="Retail")
    admin_client.get(SEARCH, {"doctype": "Customer", "txt": "warm"})  # the registry and settings load once
    with django_assert_num_queries(3):
        response = admin_client.get(SEARCH, {"doctype": "Customer", "txt": "acme", "page_length": 20})
    assert len(response.json()["message"]) == min(rows, 20)
