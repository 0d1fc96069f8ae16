"""``Authorization: Bearer <token>``: access tokens issued by django-oauth-toolkit."""

import datetime
import json

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from oauth2_provider.oauth2_validators import OAuth2Validator

from example_project.demo.models import ToDo

from .factories import ToDoFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
WHO = "/api/method/frappe.auth.get_logged_user"
FAILED = "Invalid or expired access token"


class RefusingValidator(OAuth2Validator):
    """A host's own validator that accepts no token at all."""

    def validate_bearer_token(self, token, scopes, request):
        return False


@pytest.fixture
def application():
    return Application.objects.create(name="app", client_type="confidential",
                                      authorization_grant_type="authorization-code", redirect_uris="https://x/cb")


def make_token(application, value, *, user=None, expires_in=3600):
    user = user if user is not None else UserFactory(username="oauth-user")
    return AccessToken.objects.create(user=user, application=application, token=value, scope="all",
                                      expires=timezone.now() + datetime.timedelta(seconds=expires_in))


def assert_refused(response):
    assert response.status_code == 401
    body = response.json()
    assert body["exc_type"] == "AuthenticationError"
    assert body["exception"] == f"frappe.exceptions.AuthenticationError: {FAILED}"


def test_a_valid_token_authenticates_as_its_user(application):
    make_token(application, "valid-token")
    response = Client().get(WHO, HTTP_AUTHORIZATION="Bearer valid-token")
    assert response.status_code == 200
    assert response.json() == {"message": "oauth-user"}


def test_an_expired_token_is_refused(application):
    make_token(application, "old-token", expires_in=-60)
    assert_refused(Client().get(WHO, HTTP_AUTHORIZATION="Bearer old-token"))


def test_an_unknown_token_is_refused(application):
    make_token(application, "valid-token")
    assert_refused(Client().get(WHO, HTTP_AUTHORIZATION="Bearer valid-token-but-not-quite"))


def test_an_empty_bearer_is_refused():
    assert_refused(Client().get(WHO, HTTP_AUTHORIZATION="Bearer "))


def test_a_disabled_users_token_is_refused(application):
    token = make_token(application, "valid-token")
    token.user.is_active = False
    token.user.save()
    assert_refused(Client().get(WHO, HTTP_AUTHORIZATION="Bearer valid-token"))


def test_a_token_without_a_user_is_refused(application):
    AccessToken.objects.create(user=None, application=application, token="machine-token", scope="all",
                               expires=timezone.now() + datetime.timedelta(hours=1))
    assert_refused(Client().get(WHO, HTTP_AUTHORIZATION="Bearer machine-token"))


def test_the_configured_validator_decides(application):
    make_token(application, "valid-token")
    with override_settings(OAUTH2_PROVIDER={"OAUTH2_VALIDATOR_CLASS": "tests.test_auth_bearer.RefusingValidator"}):
        assert_refused(Client().get(WHO, HTTP_AUTHORIZATION="Bearer valid-token"))
    assert Client().get(WHO, HTTP_AUTHORIZATION="Bearer valid-token").status_code == 200


def test_percent_signs_in_frappe_filters_work_with_a_bearer_token(application):
    user = UserFactory(username="oauth-user", is_superuser=True)
    make_token(application, "valid-token", user=user)
    ToDoFactory(name="t1", description="a task")
    ToDoFactory(name="t2", description="other")
    response = Client().get("/api/resource/ToDo", {"filters": '[["description","like","%task%"]]'},
                            HTTP_AUTHORIZATION="Bearer valid-token")
    assert response.status_code == 200
    assert response.json() == {"data": [{"name": "t1"}]}


def test_bearer_requests_need_no_csrf_token(application):
    make_token(application, "valid-token", user=UserFactory(username="oauth-user", is_superuser=True))
    response = Client(enforce_csrf_checks=True).post(
        "/api/resource/ToDo", json.dumps({"description": "x"}), content_type="application/json",
        HTTP_AUTHORIZATION="Bearer valid-token", HTTP_ORIGIN="https://evil.example",
        HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 200
    assert ToDo.objects.get(name=response.json()["data"]["name"]).owner == "oauth-user"
