"""``/api/method/<dotted.path>``: call a whitelisted method (v1 answers ``message``, v2 ``data``)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponseBase
from django.urls import re_path
from rest_framework.request import Request

from ..auth.cookies import full_name, set_front_end_cookies
from ..rpc.context import login_user, response_keys, response_status, server_messages
from ..rpc.dispatch import execute
from .answers import JSONAnswer
from .base import FrappeAPIView


class MethodView(FrappeAPIView):
    """Dispatch ``cmd`` (only the part before the first ``/``, as Frappe) with the merged request arguments; the
    answer holds the result (left out when None) and any key the method set with ``set_response_key``."""

    result_key = "message"

    def call(self, request: Request, cmd: str) -> Any:
        arguments = self.form_dict(request)
        result = execute(cmd, arguments, request)
        if isinstance(result, HttpResponseBase):
            return result
        body = {} if result is None else {self.result_key: result}
        body.update(response_keys(request))
        messages = server_messages(request)
        if messages and self.api_version == 1:  # Frappe encodes each message, then the list, as JSON text
            body["_server_messages"] = json.dumps([json.dumps(message) for message in messages])
        response = JSONAnswer(body, status=response_status(request))
        user = login_user(request)
        if user is not None:  # a fresh login: a dead session the request came with must not clear its cookies
            request._request.frappe_session_expired = False
            set_front_end_cookies(request._request, response, user, full_name(user))
        return response

    get = post = put = patch = delete = call


class MethodV2View(MethodView):
    api_version = 2
    result_key = "data"


def method_patterns(view: type[MethodView]) -> list:
    """The catch-all method route (mounted after any specific ``method/...`` routes)."""
    return [re_path(r"^method/(?P<cmd>[^/]+)(?:/.*)?$", view.as_view(), name="method")]
