"""``JSONAnswer``: a view's success answer, rendered as JSON when it is built.

DRF's ``Response`` is a template response: it is rendered after the view returns, once content negotiation
has picked a renderer, through Django's ``SimpleTemplateResponse``. Under ``/api/`` the answer is always
``OrjsonRenderer``'s JSON, so the hot endpoints (lists, reads, creates, counts, methods) build the final
response at once instead: the same bytes and ``Content-Type``, without that machinery. It is rendered in the
view, so inside the API's time zone (``FrappeAPIView.dispatch``). Errors still answer DRF ``Response``s
(``errors.exception_handler``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from .renderers import OrjsonRenderer, dumps


class JSONAnswer(HttpResponse):
    """``data`` rendered as ``OrjsonRenderer`` renders it, with ``status``; ``data`` stays readable, and
    ``render_again`` writes the content again after a change to it."""

    def __init__(self, data: Any, status: int = 200) -> None:
        super().__init__(dumps(data), status=status, content_type=OrjsonRenderer.media_type)
        self.data = data

    def render_again(self) -> None:
        self.content = dumps(self.data)
