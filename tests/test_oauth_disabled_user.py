"""A disabled user's OAuth grants are refused everywhere, and disabling (or a new password) revokes their tokens."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.test import Client
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken

from example_project.demo.models import Customer, SalesOrder
from example_project.demo.models import User as UserDocType

from .conftest import logged_in
from .factories import OAuthApplicationFactory, UserFactory
from .oauth_flow import INTROSPECT, PROFILE, TOKEN, WHO, basic, bearer, code_for, exchange, issue_tokens, pkce

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

User = get_user_model()
INVALID_GRANT = {"error": "invalid_grant", "error_description": (
    "The authorization code or refresh token is invalid, expired, revoked, already used, "
    "or was issued to another client or redirect URI")}


@pytest.fixture
def application():
    return OAuthApplicationFactory()


@pytest.fixture
def tokens(jane_client, application):
    return issue_tokens(jane_client, application)


def refresh(application, refresh_token):
    return Client().post(TOKEN, {"grant_type": "refresh_token", "refresh_token": refresh_token},
                         HTTP_AUTHORIZATION=basic(application))


def introspect(application, token):
    return Client().post(INTROSPECT, {"token": token}, HTTP_AUTHORIZATION=basic(application)).json()


def set_active(username, active):
    """Flip is_active without a save(): no signal runs, so only the validator's own checks stand."""
    User.objects.filter(username=username).update(is_active=active)


def assert_all_refused(application, tokens):
    """Neither token of ``tokens`` does anything any more (checked with the user active again)."""
    assert Client().get(WHO, **bearer(tokens["access_token"])).status_code == 401
    assert Client().get(PROFILE, **bearer(tokens["access_token"])).status_code == 401
    response = refresh(application, tokens["refresh_token"])
    assert (response.status_code, response.json()) == (400, INVALID_GRANT)
    assert introspect(application, tokens["access_token"]) == {"active": False}
    assert introspect(application, tokens["refresh_token"]) == {"active": False}


def assert_revoked(user):
    assert not AccessToken.objects.filter(user=user).exists()
    assert not IDToken.objects.filter(user=user).exists()
    assert not RefreshToken.objects.filter(user=user, revoked__isnull=True).exists()
    assert RefreshToken.objects.filter(user=user).exists()  # kept, marked revoked


# --- the validator refuses an inactive user's grants, however is_active was changed -----------------


def test_a_disabled_users_refresh_token_is_refused(application, tokens):
    set_active("jane", False)
    response = refresh(application, tokens["refresh_token"])
    assert (response.status_code, response.json()) == (400, INVALID_GRANT)
    assert AccessToken.objects.count() == 1  # nothing new was issued


def test_a_disabled_users_code_is_refused_at_exchange(jane_client, application):
    verifier, challenge = pkce()
    code = code_for(jane_client, application, code_challenge=challenge, code_challenge_method="S256")
    set_active("jane", False)
    response = exchange(application, code, verifier=verifier)
    assert (response.status_code, response.json()) == (400, INVALID_GRANT)
    assert not AccessToken.objects.exists()


def test_a_disabled_users_access_token_is_refused_by_userinfo_and_the_api(application, tokens):
    set_active("jane", False)
    response = Client().get(PROFILE, **bearer(tokens["access_token"]))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    api = Client().get(WHO, **bearer(tokens["access_token"]))
    assert api.status_code == 401
    assert api.json()["exc_type"] == "AuthenticationError"
    assert introspect(application, tokens["access_token"]) == {"active": False}
    assert introspect(application, tokens["refresh_token"]) == {"active": False}


# --- disabling revokes, by every path ------------------------------------------------------------------


def test_disabling_through_the_user_doctype_revokes_the_users_tokens(admin_client, jane, application, tokens):
    response = admin_client.put_json("/api/resource/User/jane", {"enabled": 0})
    assert response.status_code == 200
    assert response.json()["data"]["enabled"] == 0
    assert_revoked(jane)
    set_active("jane", True)
    assert_all_refused(application, tokens)


def test_disabling_through_v2_revokes_the_users_tokens(admin_client, jane, application, tokens):
    response = admin_client.patch("/api/v2/document/User/jane", '{"enabled": 0}', content_type="application/json")
    assert response.status_code == 200
    assert_revoked(jane)
    set_active("jane", True)
    assert_all_refused(application, tokens)


def test_disabling_through_the_legacy_cmd_path_revokes_the_users_tokens(admin_client, jane, application, tokens):
    response = admin_client.post("/", {"cmd": "frappe.client.set_value", "doctype": "User", "name": "jane",
                                       "fieldname": "enabled", "value": "0"})
    assert response.status_code == 200
    assert_revoked(jane)
    set_active("jane", True)
    assert_all_refused(application, tokens)


def test_disabling_in_the_django_admin_revokes_the_users_tokens(admin_client, jane, application, tokens):
    change = f"/admin/auth/user/{jane.pk}/change/"
    form = admin_client.get(change).context["adminform"].form
    data = {name: value for name, value in form.initial.items()
            if value is not None and name not in {"password", "is_active", "groups", "user_permissions",
                                                   "last_login", "date_joined"}}
    data.update({"date_joined_0": jane.date_joined.strftime("%Y-%m-%d"),
                 "date_joined_1": jane.date_joined.strftime("%H:%M:%S")})
    response = admin_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    jane.refresh_from_db()
    assert not jane.is_active
    assert_revoked(jane)
    set_active("jane", True)
    assert_all_refused(application, tokens)


def test_disabling_with_an_orm_save_revokes_the_users_tokens_and_pending_codes(jane, jane_client, application,
                                                                               tokens):
    code_for(jane_client, application)
    assert Grant.objects.filter(user=jane).exists()
    jane.is_active = False
    jane.save()
    assert_revoked(jane)
    assert not Grant.objects.filter(user=jane).exists()
    set_active("jane", True)
    assert_all_refused(application, tokens)


def test_disabling_one_user_leaves_other_users_tokens_alone(jane, application, tokens):
    john_tokens = issue_tokens(logged_in(UserFactory(username="john")), application)
    jane.is_active = False
    jane.save()
    assert Client().get(WHO, **bearer(john_tokens["access_token"])).json() == {"message": "john"}
    assert refresh(application, john_tokens["refresh_token"]).status_code == 200


# --- a new password revokes too; other saves do not -------------------------------------------------------


def test_a_new_password_through_the_user_doctype_revokes_the_users_tokens(admin_client, jane, application,
                                                                          tokens):
    response = admin_client.put_json("/api/resource/User/jane", {"new_password": "An0ther-secret!"})
    assert response.status_code == 200
    assert_revoked(jane)
    assert_all_refused(application, tokens)


def test_set_password_and_save_revokes_the_users_tokens(jane, application, tokens):
    jane.set_password("An0ther-secret!")
    jane.save()
    assert_revoked(jane)
    assert_all_refused(application, tokens)


def test_editing_an_active_users_profile_keeps_their_tokens(admin_client, jane, application, tokens):
    response = admin_client.put_json("/api/resource/User/jane", {"first_name": "Janet"})
    assert response.status_code == 200
    assert Client().get(WHO, **bearer(tokens["access_token"])).json() == {"message": "jane"}
    assert refresh(application, tokens["refresh_token"]).status_code == 200


# --- the receiver listens to user models only --------------------------------------------------------------


def test_the_revoking_receiver_runs_for_user_models_only():
    """Saves of the user model and of the User DocType's proxy reach it; an insert of any other model does not
    call it (it used to be called, and return early, for every save)."""
    assert post_save.has_listeners(User) and post_save.has_listeners(UserDocType)
    assert not post_save.has_listeners(Customer) and not post_save.has_listeners(SalesOrder)

