"""OAuth applications in the Django admin, and the settings check of the OAuth app."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from oauth2_provider.models import Application

from frappe_api.oauth.checks import check_provider_settings
from frappe_api.oauth.settings import PROVIDER_SETTINGS

from .factories import OAuthApplicationFactory

pytestmark = pytest.mark.django_db
ADD = "/admin/oauth2_provider/application/add/"
SECRET = "a-secret-long-enough-for-hs256-0123456789"


def form(**overrides):
    data = {"name": "Mobile App", "client_id": "mobile-app", "client_secret": SECRET, "hash_client_secret": "on",
            "client_type": "confidential", "authorization_grant_type": "authorization-code",
            "redirect_uris": "https://mobile.example/cb", "post_logout_redirect_uris": "", "allowed_origins": "",
            "algorithm": "HS256", "skip_authorization": "",
            "frappe_scopes-TOTAL_FORMS": "1", "frappe_scopes-INITIAL_FORMS": "0", "frappe_scopes-MIN_NUM_FORMS": "1",
            "frappe_scopes-MAX_NUM_FORMS": "1", "frappe_scopes-0-scopes": "all openid"}
    data.update(overrides)
    return data


def test_the_add_form_offers_frappes_defaults(admin_client):
    response = admin_client.get(ADD)
    assert response.status_code == 200
    initial = response.context["adminform"].form.initial
    assert (initial["client_type"], initial["authorization_grant_type"], initial["algorithm"]) == (
        "confidential", "authorization-code", "HS256")
    scopes_inline = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert scopes_inline["scopes"].value() == "all openid"


def test_an_hs256_application_is_saved_with_a_hashed_secret_and_its_scopes(admin_client):
    response = admin_client.post(ADD, form())
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    application = Application.objects.get(client_id="mobile-app")
    assert identify_hasher(application.client_secret)
    assert application.algorithm == "HS256"
    assert application.frappe_scopes.scopes == "all openid"


def test_an_hs256_secret_must_be_long_enough_to_sign(admin_client):
    response = admin_client.post(ADD, form(client_secret="short"))
    assert response.status_code == 200
    assert "An HS256 application needs a secret of at least 32 characters" in str(
        response.context["adminform"].form.errors["client_secret"])
    assert not Application.objects.filter(client_id="mobile-app").exists()


def test_django_oauth_toolkits_other_rules_still_apply(admin_client):
    response = admin_client.post(ADD, form(client_type="public"))
    assert response.status_code == 200
    assert "You cannot use HS256 with public grants or clients" in str(response.context["adminform"].form.errors)
    assert not Application.objects.exists()


def test_an_existing_application_can_be_edited(admin_client):
    application = OAuthApplicationFactory(client_id="existing")
    change = f"/admin/oauth2_provider/application/{application.pk}/change/"
    data = form(client_id="existing", client_secret=Application.objects.get().client_secret, name="Renamed",
                **{"frappe_scopes-INITIAL_FORMS": "1", "frappe_scopes-0-application": str(application.pk),
                   "frappe_scopes-0-scopes": "openid"})
    response = admin_client.post(change, data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.name, application.frappe_scopes.scopes) == ("Renamed", "openid")


def test_the_settings_check_passes_with_the_provided_settings():
    assert check_provider_settings() == []


def test_the_settings_check_names_each_missing_setting():
    with override_settings(OAUTH2_PROVIDER={}):
        errors = check_provider_settings()
        assert [error.id for error in errors] == ["frappe_api_oauth.E001"] * 3
        assert "OIDC_ENABLED" in errors[0].msg
        with pytest.raises(SystemCheckError):
            call_command("check")


def test_provider_settings_are_importable_from_a_settings_module():
    """A settings module imports them before Django is set up: nothing on that path may touch models."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-c", "from frappe_api.oauth.settings import PROVIDER_SETTINGS; "
                           "print(PROVIDER_SETTINGS['OAUTH2_VALIDATOR_CLASS'])"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == PROVIDER_SETTINGS["OAUTH2_VALIDATOR_CLASS"]
