"""Frappe's web pages outside ``/api``: ``/login``, where the OAuth authorize endpoint sends guests,
``SPAPageView``, the page a host mounts at its single-page app's URL, and ``/update-password?key=...``,
where the password reset mail leads.

A plain HTML form posting ``usr``/``pwd`` (with Django's CSRF token), checked
exactly as ``/api/method/login`` checks them (lockout and cross-origin rule included). After login
it sends the browser back to the ``redirect-to`` parameter when that URL is on
this site.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.csrf import csrf_protect
from django.views.generic import TemplateView

from .auth.cookies import full_name, set_front_end_cookies
from .auth.csrf import check_cross_origin
from .auth.challenge import www_authenticate
from .auth.login import authenticate_login
from .auth.password_reset import check_new_password, set_new_password, user_for_key
from .auth.session import start_session
from .boot import boot_values
from .conf import api_settings
from .exceptions import FrappeAPIException, ValidationError


def safe_redirect_target(request: HttpRequest, target: str) -> str | None:
    """``target`` when it stays on this site (a path, or a URL of an allowed host), else None."""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return None


@method_decorator([csrf_protect, xframe_options_deny], name="dispatch")
class LoginPageView(View):
    """GET: the login form; POST: log in, then go back to ``redirect-to`` (or show who is logged in). Never
    framed; the form needs Django's CSRF token, whatever the host's middleware."""

    template_name = "frappe_api/login.html"

    def _target(self, request: HttpRequest) -> str:
        field = api_settings.LOGIN_REDIRECT_FIELD
        return request.POST.get(field) or request.GET.get(field) or ""

    def _page(self, request: HttpRequest, *, status: int = 200, **context: Any) -> HttpResponse:
        context = {"user": request.user, "redirect_field": api_settings.LOGIN_REDIRECT_FIELD,
                   "redirect_to": self._target(request), "usr": "", **context}
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._page(request)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        usr = request.POST.get("usr", "")
        try:
            check_cross_origin(request)
            user = authenticate_login(request, usr, request.POST.get("pwd", ""))
        except FrappeAPIException as error:  # a foreign page (400), wrong credentials (401), locked out (429)
            page = self._page(request, status=error.http_status_code, error=str(error), usr=usr)
            challenge = www_authenticate(request) if page.status_code == 401 else ""
            if challenge:
                page["WWW-Authenticate"] = challenge
            return page
        start_session(request, user)
        target = safe_redirect_target(request, self._target(request))
        response = HttpResponseRedirect(target) if target else self._page(request)
        set_front_end_cookies(request, response, user, full_name(user))
        return response


@method_decorator(never_cache, name="dispatch")
class SPAPageView(TemplateView):
    """A single-page app's HTML page, as Frappe serves its SPAs: ``window.csrf_token`` and ``window.site_name``
    set by ``{% frappe_boot %}`` (``boot`` in the context holds both), so frappe-ui and frappe-react-sdk apps
    work with the cookie session and its CSRF token. Never cached (the token is the session's).

    Mount it with the app's built ``index.html`` as ``template_name``. ``login_required`` (default) sends
    guests to the login page first and back here afterwards, as Frappe's app pages do: a login starts a new
    session, so a page loaded before it would hold a token no longer valid."""

    template_name = "frappe_api/spa.html"
    login_required = True
    site_name: str | None = None
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.login_required and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), api_settings.LOGIN_URL,
                                     api_settings.LOGIN_REDIRECT_FIELD)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["boot"] = boot_values(self.request, self.site_name)
        context["site_name"] = context["boot"]["site_name"]
        return context


@method_decorator([csrf_protect, xframe_options_deny, never_cache], name="dispatch")
class UpdatePasswordPageView(View):
    """GET: the new-password form for a reset ``key`` (410 with Frappe's message when the key is used, invalid
    or expired); POST: check the password with Django's validators, set it, log the user in here (their other
    sessions end). The key never leaves in a Referer; the answer is never cached or framed."""

    template_name = "frappe_api/update_password.html"

    def _page(self, request: HttpRequest, *, status: int = 200, **context: Any) -> HttpResponse:
        response = render(request, self.template_name, {"home_page": api_settings.HOME_PAGE, **context},
                          status=status)
        response["Referrer-Policy"] = "no-referrer"
        return response

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.GET.get("key", "")
        user, problem = user_for_key(key)
        if user is None:
            return self._page(request, status=410, problem=problem)
        return self._page(request, key=key)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.POST.get("key", "")
        user, problem = user_for_key(key)
        if user is None:
            return self._page(request, status=410, problem=problem)
        password = request.POST.get("new_password", "")
        try:
            check_cross_origin(request)
            if password != request.POST.get("confirm_password", ""):
                raise ValidationError("The two passwords do not match", title="Invalid Password")
            set_new_password(request, user, check_new_password(password, user))
        except FrappeAPIException as error:  # a foreign page (400), a password the validators refuse (417)
            return self._page(request, status=error.http_status_code, key=key, error=str(error))
        response = self._page(request, done=True, username=user.get_username())
        set_front_end_cookies(request, response, user, full_name(user))
        return response
