"""``Authorization: token <key>:<secret>`` and ``Authorization: Basic base64(<key>:<secret>)``."""

import base64
import hashlib
import hmac
import json
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from example_project.demo.models import ToDo
from frappe_api.auth import keys
from frappe_api.auth.token import TokenAuthentication

from .factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
WHO = "/api/method/frappe.auth.get_logged_user"
FAILED = "Invalid API key or secret"
FAILED_BODY = {
    "exc_type": "AuthenticationError",
    "exception": f"frappe.exceptions.AuthenticationError: {FAILED}",
    "exc": json.dumps([f"frappe.exceptions.AuthenticationError: {FAILED}"]),
    "_server_messages": json.dumps([json.dumps({"message": FAILED, "title": "Message", "indicator": "red",
                                                "raise_exception": 1})]),
}


def basic(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return "Basic " + base64.b64encode(raw).decode()


@pytest.fixture
def key_pair():
    return keys.generate_keys(UserFactory(username="robot"))


def test_token_header_authenticates_as_the_key_owner(key_pair):
    api_key, api_secret = key_pair
    response = Client().get(WHO, HTTP_AUTHORIZATION=f"token {api_key}:{api_secret}")
    assert response.status_code == 200
    assert response.json() == {"message": "robot"}


def test_basic_header_carries_the_key_pair(key_pair):
    api_key, api_secret = key_pair
    response = Client().get(WHO, HTTP_AUTHORIZATION=basic(f"{api_key}:{api_secret}"))
    assert response.status_code == 200
    assert response.json() == {"message": "robot"}


def test_scheme_is_case_insensitive(key_pair):
    api_key, api_secret = key_pair
    assert Client().get(WHO, HTTP_AUTHORIZATION=f"Token {api_key}:{api_secret}").json() == {"message": "robot"}
    lower_basic = "basic " + basic(f"{api_key}:{api_secret}").split(" ", 1)[1]
    assert Client().get(WHO, HTTP_AUTHORIZATION=lower_basic).json() == {"message": "robot"}


def test_token_writes_as_the_key_owner(key_pair):
    api_key, api_secret = key_pair
    response = Client().post("/api/resource/ToDo", json.dumps({"description": "by key"}),
                             content_type="application/json", HTTP_AUTHORIZATION=f"token {api_key}:{api_secret}")
    assert response.status_code == 200
    assert ToDo.objects.get(name=response.json()["data"]["name"]).owner == "robot"


@pytest.mark.parametrize("header", [
    "token nosuchkey12345:{secret}",   # unknown key
    "token {key}:wrongsecret1234",     # wrong secret
    "token {key}:",                    # no secret
    "token :{secret}",                 # no key
    "token {key}{secret}",             # no colon
    "token",                           # no credentials at all
    "token " + "k" * 500 + ":{secret}",  # longer than any stored key
    "Basic !!!not-base64!!!",
    "Basic {key}:{secret}",            # the pair, not encoded
    "Basic " + base64.b64encode(b"no-colon-here").decode(),
    "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(),  # not UTF-8
    "Basic " + base64.b64encode(b"ke\x00y:secret").decode(),  # NUL: no database can hold it
    "Digest username=robot",           # a scheme nobody handles
])
def test_every_failure_is_the_same_401(key_pair, header):
    api_key, api_secret = key_pair
    response = Client().get(WHO, HTTP_AUTHORIZATION=header.format(key=api_key, secret=api_secret))
    assert response.status_code == 401
    assert response.json() == FAILED_BODY


def test_basic_with_a_username_and_password_is_refused():
    UserFactory(username="jane")
    response = Client().get(WHO, HTTP_AUTHORIZATION=basic("jane:secret"))
    assert response.status_code == 401
    assert response.json() == FAILED_BODY


def test_a_disabled_users_keys_stop_working(key_pair):
    api_key, api_secret = key_pair
    UserFactory._meta.model.objects.filter(username="robot").update(is_active=False)
    response = Client().get(WHO, HTTP_AUTHORIZATION=f"token {api_key}:{api_secret}")
    assert response.status_code == 401
    assert response.json() == FAILED_BODY


@pytest.mark.parametrize("case", ["unknown key", "wrong secret", "key too long for the column"])
def test_the_secret_is_hashed_and_compared_in_constant_time_whatever_the_key(key_pair, case):
    api_key, _ = key_pair
    sent_key = {"unknown key": "nosuchkey12345", "wrong secret": api_key,
                "key too long for the column": "k" * 500}[case]
    with mock.patch("frappe_api.auth.keys.hmac.compare_digest", wraps=hmac.compare_digest) as compare:
        response = Client().get(WHO, HTTP_AUTHORIZATION=f"token {sent_key}:guessed-secret")
    assert response.status_code == 401
    assert compare.call_count == 1
    sent_hash, stored_hash = compare.call_args.args
    assert sent_hash == hmac.new(settings.SECRET_KEY.encode(), b"guessed-secret", hashlib.sha256).hexdigest()
    assert len(stored_hash) == len(sent_hash)


def test_unknown_key_and_wrong_secret_answer_byte_identical_bodies(key_pair):
    api_key, _ = key_pair
    unknown = Client().get(WHO, HTTP_AUTHORIZATION="token nosuchkey12345:whatever")
    wrong = Client().get(WHO, HTTP_AUTHORIZATION=f"token {api_key}:whatever")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.content == wrong.content


def test_key_requests_need_no_csrf_token_even_cross_site_with_a_session(key_pair, jane):
    api_key, api_secret = key_pair
    client = Client(enforce_csrf_checks=True)
    client.post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    for header in (f"token {api_key}:{api_secret}", basic(f"{api_key}:{api_secret}")):
        response = client.post("/api/resource/ToDo", {"description": "x"}, HTTP_AUTHORIZATION=header,
                               HTTP_ORIGIN="https://evil.example", HTTP_SEC_FETCH_SITE="cross-site")
        assert response.status_code == 200
        assert response.json()["data"]["owner"] == "robot"


# --- the classes in a host project's own DRF view (DRF's default exception handler) -----------------
class HostWhoAmI(APIView):
    authentication_classes = (TokenAuthentication,)
    permission_classes = (IsAuthenticated,)

    def get(self, request):
        return Response({"user": request.user.get_username()})


urlpatterns = [path("host/whoami", HostWhoAmI.as_view())]


@pytest.mark.urls(__name__)
def test_token_authentication_in_a_host_drf_view(key_pair):
    api_key, api_secret = key_pair
    ok = Client().get("/host/whoami", HTTP_AUTHORIZATION=f"token {api_key}:{api_secret}")
    assert ok.status_code == 200 and ok.json() == {"user": "robot"}
    refused = Client().get("/host/whoami", HTTP_AUTHORIZATION=f"token {api_key}:wrong")
    assert refused.status_code == 401
    assert refused.json() == {"detail": FAILED}
    anonymous = Client().get("/host/whoami")
    assert anonymous.status_code == 401
