"""Amending reads the cancelled original: the amend right must hold on that document, not only the DocType."""

import datetime

import pytest
from django.contrib.auth.models import Group

from example_project.demo.models import SalesOrder
from frappe_api.models import DocPerm
from frappe_api.registry import registry

from .conftest import APIClient
from .factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_owner_only_amend_right_cannot_amend_someone_elses_cancelled_document():
    DocPerm.objects.filter(doctype__name="Sales Order", role="Sales User").update(if_owner=True)
    registry.invalidate()
    alice = UserFactory(username="alice")
    alice.groups.add(Group.objects.get_or_create(name="Sales User")[0])
    client = APIClient()
    client.force_login(alice)
    CustomerFactory(customer_name="Acme")
    SalesOrder.objects.create(name="SO-BOB", customer_id="Acme", transaction_date=datetime.date(2024, 1, 1),
                              owner="bob", docstatus=2)
    SalesOrder.objects.create(name="SO-ALICE", customer_id="Acme", transaction_date=datetime.date(2024, 1, 1),
                              owner="alice", docstatus=2)
    body = {"customer": "Acme", "transaction_date": "2024-01-02", "items": [{"item_code": "A", "qty": 1}]}
    refused = client.post_json("/api/resource/Sales Order", {**body, "amended_from": "SO-BOB"})
    assert refused.status_code == 403
    assert refused.json()["_error_message"] == (
        "You need the 'amend' permission on <strong>Sales Order</strong> SO-BOB to perform this action.")
    assert not SalesOrder.objects.filter(name="SO-BOB-1").exists()
    amended = client.post_json("/api/resource/Sales Order", {**body, "amended_from": "SO-ALICE"})
    assert amended.status_code == 200, amended.content
    assert amended.json()["data"]["name"] == "SO-ALICE-1"
