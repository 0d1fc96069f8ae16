"""What a host gives django-cors-headers so Frappe's front ends work from another origin."""

FRAPPE_CORS_ALLOW_HEADERS: tuple[str, ...] = (
    "accept", "authorization", "content-type", "x-csrftoken", "x-frappe-csrf-token", "x-frappe-site-name",
    "x-requested-with",
)
"""``CORS_ALLOW_HEADERS`` for the API: the request headers frappe-js-sdk, frappe-react-sdk and frappe-ui send
(frappe-ui's requests always carry ``X-Frappe-Site-Name``, so a preflight without it fails)."""
