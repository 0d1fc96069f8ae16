"""Less repeated work per list: the read scope is computed once, and v2's ``include=count`` decodes and compiles
the filters once for the rows and the count."""

from unittest import mock

import pytest
from django.contrib.auth.models import Group

from frappe_api import permissions
from frappe_api.query import compile as query_compile
from frappe_api.query import params as query_params

from .conftest import APIClient
from .factories import NoteFactory, UserFactory

pytestmark = pytest.mark.django_db
FILTERS = '{"public": 1}'


@pytest.fixture
def manager_client():
    user = UserFactory(username="manager")
    user.groups.add(Group.objects.get_or_create(name="System Manager")[0])
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def notes():
    for index in range(4):
        NoteFactory(name=f"n{index}", public=index < 3)


@pytest.fixture
def read_scopes():
    """Every ``permission_scope(<Note>, "read", ...)`` computed while the fixture is active."""
    calls = []
    original = permissions.permission_scope

    def spy(meta, ptype, user):
        if meta.doctype == "Note" and ptype == "read":
            calls.append(ptype)
        return original(meta, ptype, user)

    with mock.patch.object(permissions, "permission_scope", spy):
        yield calls


@pytest.fixture
def filter_work():
    """How often the ``filters`` parameter is decoded, and how often a filter group is compiled to SQL
    conditions."""
    work = {"decoded": 0, "compiled": 0}
    original_decode, original_compile = query_params.parse_json_param, query_compile.compile_conditions

    def parse_json_param(name, value, *depth):
        if name == "filters":
            work["decoded"] += 1
        return original_decode(name, value, *depth)

    def compile_conditions(*args, **kwargs):
        work["compiled"] += 1
        return original_compile(*args, **kwargs)

    with mock.patch.object(query_params, "parse_json_param", parse_json_param), \
            mock.patch.object(query_compile, "compile_conditions", compile_conditions):
        yield work


@pytest.mark.parametrize("path, params", [
    ("/api/resource/Note", {"filters": FILTERS}),
    ("/api/v2/document/Note", {"filters": FILTERS}),
    ("/api/v2/document/Note", {"filters": FILTERS, "include": "count"}),
])
def test_a_list_computes_the_read_scope_once(manager_client, notes, read_scopes, path, params):
    response = manager_client.get(path, params)
    assert response.status_code == 200
    assert len(response.json()["data"]) == 3
    assert read_scopes == ["read"]


@pytest.mark.parametrize("path, params", [
    ("/api/resource/Note", {"filters": FILTERS}),
    ("/api/method/frappe.client.get_list", {"doctype": "Note", "filters": FILTERS}),
    ("/api/method/frappe.client.get_count", {"doctype": "Note", "filters": FILTERS}),
    ("/api/v2/doctype/Note/count", {"filters": FILTERS}),
])
def test_a_list_or_count_decodes_and_compiles_the_filters_once(manager_client, notes, filter_work, path, params):
    assert manager_client.get(path, params).status_code == 200
    assert filter_work == {"decoded": 1, "compiled": 1}


def test_v2_include_count_decodes_and_compiles_the_filters_once(manager_client, notes, filter_work,
                                                                 django_assert_num_queries):
    manager_client.get("/api/v2/document/Note")  # the session and roles are read once per request below
    filter_work.update(decoded=0, compiled=0)
    with django_assert_num_queries(5):  # session, user, roles, the page of rows, the count
        body = manager_client.get("/api/v2/document/Note", {"filters": FILTERS, "include": "count",
                                                            "fields": '["name"]', "order_by": "name asc",
                                                            "limit": 2}).json()
    assert body == {"data": [{"name": "n0"}, {"name": "n1"}], "has_next_page": True, "count": 3}
    assert filter_work == {"decoded": 1, "compiled": 1}


@pytest.mark.parametrize("path, params", [
    ("/api/resource/Note", {"filters": "[bad"}),
    ("/api/resource/Note", {"limit_start": "x"}),
    ("/api/method/frappe.client.get_list", {"doctype": "Note", "filters": "[bad"}),
    ("/api/method/frappe.client.get_count", {"doctype": "Note", "filters": "[bad"}),
])
def test_read_permission_is_checked_before_the_parameters_are_read(notes, path, params):
    client = APIClient()
    client.force_login(UserFactory(username="nobody"))
    response = client.get(path, params)
    assert response.status_code == 403
    assert response.json()["exc_type"] == "PermissionError"
