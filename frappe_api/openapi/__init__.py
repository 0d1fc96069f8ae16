"""OpenAPI 3.1 for the Frappe API, generated from the DocType registry and the method whitelist.

``build_document(user)`` answers the document as ``user`` may use the API (``document.py``); ``/api/openapi.json``
serves it and ``/api/docs`` shows it in Swagger UI (``views.py``); ``typescript.py`` turns the DocType schemas into
TypeScript interfaces for ``manage.py frappe_api_types``.
"""
