"""GET /api/resource/{doctype}: Frappe's list parameters through the HTTP stack."""

import datetime
import json

import pytest
from django.test import override_settings

from .conftest import server_messages
from .factories import ToDoFactory, UserFactory, minutes_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def todos():
    """25 ToDos, newest first by ``modified`` (todo-00 is the newest)."""
    return [ToDoFactory(name=f"todo-{i:02d}", description=f"Task {i:02d}", modified=minutes_ago(i),
                        status="Closed" if i % 5 == 0 else "Open") for i in range(25)]


def names(response):
    return [row["name"] for row in response.json()["data"]]


def test_list_defaults_to_20_rows_of_name_only_newest_first(admin_client, todos):
    response = admin_client.get("/api/resource/ToDo")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"data": [{"name": f"todo-{i:02d}"} for i in range(20)]}


def test_list_under_v1_prefix_and_with_trailing_slash_is_the_same(admin_client, todos):
    expected = admin_client.get("/api/resource/ToDo").json()
    assert admin_client.get("/api/v1/resource/ToDo").json() == expected
    assert admin_client.get("/api/resource/ToDo/").json() == expected


def test_list_fields_gives_exactly_those_keys(admin_client, todos):
    response = admin_client.get('/api/resource/ToDo?fields=["name","description"]&limit=2')
    assert response.json() == {"data": [{"name": "todo-00", "description": "Task 00"},
                                        {"name": "todo-01", "description": "Task 01"}]}


def test_list_fields_star_and_bare_star_give_every_field(admin_client, todos):
    for fields in ('["*"]', "*", '"*"'):
        row = admin_client.get(f"/api/resource/ToDo?fields={fields}&limit=1").json()["data"][0]
        assert set(row) == {"name", "owner", "creation", "modified", "modified_by", "docstatus", "idx",
                            "description", "status", "priority", "date", "allocated_to", "reference_type",
                            "reference_name"}


def test_list_fields_as_a_bare_comma_separated_string(admin_client, todos):
    response = admin_client.get("/api/resource/ToDo?fields=name, description&limit=1")
    assert response.json() == {"data": [{"name": "todo-00", "description": "Task 00"}]}


def test_list_keeps_null_fields_as_null(admin_client, todos):
    row = admin_client.get('/api/resource/ToDo?fields=["name","date","allocated_to"]&limit=1').json()["data"][0]
    assert row == {"name": "todo-00", "date": None, "allocated_to": None}


def test_list_field_alias(admin_client, todos):
    response = admin_client.get('/api/resource/ToDo?fields=["description as d"]&limit=1')
    assert response.json() == {"data": [{"d": "Task 00"}]}


def test_list_paging_with_limit_start_and_limit_page_length(admin_client, todos):
    response = admin_client.get("/api/resource/ToDo?limit_start=5&limit_page_length=5")
    assert names(response) == [f"todo-{i:02d}" for i in range(5, 10)]


def test_list_limit_is_an_alias_and_limit_page_length_wins(admin_client, todos):
    assert len(names(admin_client.get("/api/resource/ToDo?limit=3"))) == 3
    assert len(names(admin_client.get("/api/resource/ToDo?limit=3&limit_page_length=7"))) == 7


def test_list_page_length_zero_means_all_rows_up_to_the_cap(admin_client, todos):
    assert len(names(admin_client.get("/api/resource/ToDo?limit_page_length=0"))) == 25
    with override_settings(FRAPPE_API={"MAX_PAGE_LENGTH": 10}):
        assert len(names(admin_client.get("/api/resource/ToDo?limit_page_length=0"))) == 10
        assert len(names(admin_client.get("/api/resource/ToDo?limit_page_length=500"))) == 10


@pytest.mark.parametrize("value", ["False", "false", "0"])
def test_list_as_dict_false_gives_lists(admin_client, todos, value):
    response = admin_client.get(f'/api/resource/ToDo?fields=["name","description"]&limit=2&as_dict={value}')
    assert response.json() == {"data": [["todo-00", "Task 00"], ["todo-01", "Task 01"]]}


def test_list_order_by_field_and_direction(admin_client, todos):
    ascending = names(admin_client.get("/api/resource/ToDo?order_by=description%20asc&limit=3"))
    assert ascending == ["todo-00", "todo-01", "todo-02"]
    descending = names(admin_client.get("/api/resource/ToDo?order_by=description desc&limit=3"))
    assert descending == ["todo-24", "todo-23", "todo-22"]
    qualified = names(admin_client.get("/api/resource/ToDo?order_by=`tabToDo`.`description` desc&limit=1"))
    assert qualified == ["todo-24"]


def test_list_empty_order_by_means_the_default_order(admin_client, todos):
    assert names(admin_client.get("/api/resource/ToDo?order_by=&limit=2")) == ["todo-00", "todo-01"]


def test_list_filters_as_dict_list_and_four_element_list(admin_client, todos):
    closed = [f"todo-{i:02d}" for i in range(0, 25, 5)]
    for filters in ('{"status":"Closed"}', '[["status","=","Closed"]]', '[["ToDo","status","=","Closed"]]',
                    '{"status":["=","Closed"]}', '[{"status":"Closed"}]'):
        response = admin_client.get(f"/api/resource/ToDo?filters={filters}&limit=0")
        assert response.status_code == 200, filters
        assert names(response) == closed, filters


def test_list_null_filter_is_like_no_filter(admin_client, todos):
    assert len(names(admin_client.get("/api/resource/ToDo?filters=null&limit=0"))) == 25


def test_list_or_filters_are_anded_with_filters(admin_client, todos):
    query = ('filters={"status":"Open"}&or_filters=[["description","=","Task 01"],["description","=","Task 05"],'
             '["description","=","Task 02"]]')
    assert names(admin_client.get(f"/api/resource/ToDo?{query}")) == ["todo-01", "todo-02"]


def test_list_filters_on_a_link_use_the_target_name(admin_client, todos):
    owner = UserFactory(username="linked-user")
    ToDoFactory(name="assigned", allocated_to=owner)
    response = admin_client.get('/api/resource/ToDo?filters=[["allocated_to","=","linked-user"]]'
                                '&fields=["name","allocated_to"]')
    assert response.json() == {"data": [{"name": "assigned", "allocated_to": "linked-user"}]}


def test_list_filter_like_is_case_insensitive_and_not_like_keeps_nulls(admin_client):
    ToDoFactory(name="a", description="Buy MILK")
    ToDoFactory(name="b", description="Sell bread")
    ToDoFactory(name="c", description="milk shake", reference_name="x")
    like = admin_client.get('/api/resource/ToDo?filters=[["description","like","%milk%"]]&order_by=name asc')
    assert names(like) == ["a", "c"]
    not_like = admin_client.get('/api/resource/ToDo?filters=[["description","not like","%milk%"]]')
    assert names(not_like) == ["b"]


def test_list_datetimes_use_frappe_format_in_site_time_zone(admin_client, settings):
    stamp = datetime.datetime(2024, 5, 1, 4, 41, 12, 123456, tzinfo=datetime.timezone.utc)
    ToDoFactory(name="dated", modified=stamp, creation=stamp)
    settings.TIME_ZONE = "Asia/Kolkata"
    row = admin_client.get('/api/resource/ToDo?fields=["modified"]').json()["data"][0]
    assert row == {"modified": "2024-05-01 10:11:12.123456"}


def test_list_reads_its_rows_in_one_query(admin_client, todos, django_assert_num_queries):
    admin_client.get("/api/resource/ToDo")  # warm the registry
    # One query for the session, one for the user, one for the rows: whatever the row count.
    with django_assert_num_queries(3):
        response = admin_client.get('/api/resource/ToDo?fields=["name","description","allocated_to"]')
    assert len(response.json()["data"]) == 20
    with django_assert_num_queries(3):
        admin_client.get('/api/resource/ToDo?fields=["*"]&limit=0')


def test_list_unknown_parameter_is_ignored(admin_client, todos):
    response = admin_client.get("/api/resource/ToDo", {"foo": "bar"})
    assert response.status_code == 200
    assert response.json() == {"data": [{"name": f"todo-{i:02d}"} for i in range(20)]}  # the plain list's answer


@pytest.mark.parametrize("query, exc_type, message", [
    ('fields=["nonexistent"]', "DataError", "Field not permitted in query: nonexistent"),
    ('filters={"nonexistent":1}', "DataError", "Field not permitted in query: nonexistent"),
    ("order_by=nonexistent desc", "DataError", "Field not permitted in query: nonexistent"),
    ("order_by=description; drop table demo_todo", "ValidationError", "Illegal SQL Query"),
    ("order_by=sleep(1)", "ValidationError", "Cannot use sleep(1) in order/group by"),
    ("order_by=(select name from auth_user)", "ValidationError", "Cannot use sub-query here."),
    ('fields=["name, (select 1)"]', "DataError", "Use of sub-query or function is restricted"),
    ('fields=["version()"]', "DataError", "Use of function version in field is restricted"),
    ('fields=["name /* x */"]', "ValidationError", "Illegal SQL Query"),
    ('filters=[["name)or(1","=","x"]]', "DataError", "Invalid field name name)or(1"),
    ('filters=[["Note","title","=","x"]]', "DataError", "Field not permitted in query: Note.title"),
])
def test_list_refuses_what_is_not_a_known_name(admin_client, todos, query, exc_type, message):
    response = admin_client.get(f"/api/resource/ToDo?{query}")
    assert response.status_code == 417
    body = response.json()
    assert body["exc_type"] == exc_type
    assert body["exception"] == f"frappe.exceptions.{exc_type}: {message}"
    assert server_messages(body)[0]["message"] == message


@pytest.mark.parametrize("query, message", [
    ("filters=[bad", "Invalid JSON in parameter 'filters'"),
    ("fields=[bad", "Invalid JSON in parameter 'fields'"),
    ('filters=[["status","~~","x"]]', "Operator must be one of"),
    ('filters=[["status","="]]', "Filter must have 4 values"),
    ('filters="status"', "'filters' must be a list or dictionary"),
    ("limit_start=abc", "'limit_start' must be an integer"),
    ("limit_page_length=-1", "'limit_page_length' must not be negative"),
    ('filters=[["date","=","not a date"]]', "Invalid value for Date"),
    ('filters=[[[[[[[[[["x"]]]]]]]]]]', "JSON nested deeper than"),
])
def test_list_refuses_malformed_parameters_with_417(admin_client, todos, query, message):
    response = admin_client.get(f"/api/resource/ToDo?{query}")
    assert response.status_code == 417
    body = response.json()
    assert body["exc_type"] == "ValidationError"
    assert server_messages(body)[0]["message"].startswith(message)
    assert json.loads(body["exc"]) == [body["exception"]]


def test_list_as_guest_is_403(guest_client, todos):
    response = guest_client.get("/api/resource/ToDo")
    assert response.status_code == 403
    body = response.json()
    assert body["exc_type"] == "PermissionError"
    assert body["_error_message"] == "No permission for ToDo"


def test_list_as_user_without_rights_is_403(user_client, todos):
    response = user_client.get("/api/resource/Customer")
    assert response.status_code == 403
    assert response.json()["_error_message"] == "No permission for Customer"


def test_list_of_unknown_doctype_is_404_for_administrator_and_403_for_others(admin_client, user_client):
    response = admin_client.get("/api/resource/Nope")
    assert response.status_code == 404
    assert response.json()["exc_type"] == "DoesNotExistError"
    assert "exc" not in response.json()
    assert user_client.get("/api/resource/Nope").status_code == 403
