"""FrappeFilterBackend: Frappe's filters/or_filters/order_by on a host project's own DRF view."""

import pytest

from .factories import ToDoFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls")]


@pytest.fixture
def todos():
    ToDoFactory(name="a", status="Open", priority="High")
    ToDoFactory(name="b", status="Closed", priority="Low")
    ToDoFactory(name="c", status="Open", priority="Low")


def test_backend_applies_filters_or_filters_and_order_by(client, todos):
    response = client.get("/host/todos", {"filters": '{"status": "Open"}', "order_by": "name desc"})
    assert response.status_code == 200
    assert [row["name"] for row in response.json()] == ["c", "a"]
    response = client.get("/host/todos", {"or_filters": '[["priority","=","High"],["status","=","Closed"]]',
                                          "order_by": "name asc"})
    assert [row["name"] for row in response.json()] == ["a", "b"]


def test_backend_without_parameters_leaves_the_queryset_alone(client, todos):
    assert len(client.get("/host/todos").json()) == 3


@pytest.mark.parametrize("params", [{"filters": '{"nope": 1}'}, {"filters": "[bad"}, {"order_by": "sleep(1)"}])
def test_backend_refusals_are_417_through_drf_default_handler(client, todos, params):
    response = client.get("/host/todos", params)
    assert response.status_code == 417
    assert "detail" in response.json()
