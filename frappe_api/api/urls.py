"""URL patterns of the API: ``v1_patterns`` under ``/api/`` and ``/api/v1/``, ``v2_patterns`` under ``/api/v2/``
(mounted by ``frappe_api.urls`` before the ``/api/method/<cmd>`` catch-all)."""

from django.urls import re_path

from . import session, v1, v2

v1_patterns = [
    re_path(r"^resource/(?P<doctype>[^/]+)/?$", v1.ResourceListView.as_view(), name="resource-list"),
    re_path(r"^resource/(?P<doctype>[^/]+)/(?P<name>.+?)/?$", v1.ResourceDetailView.as_view(),
            name="resource-detail"),
    re_path(r"^method/login/?$", session.LoginView.as_view(), name="login"),
    re_path(r"^method/logout/?$", session.LogoutView.as_view(), name="logout"),
]

v2_patterns = [
    re_path(r"^method/login/?$", session.LoginV2View.as_view(), name="login"),
    re_path(r"^method/logout/?$", session.LogoutV2View.as_view(), name="logout"),
    re_path(r"^document/(?P<doctype>[^/]+)/bulk_delete/?$", v2.BulkView.as_view(action="delete")),
    re_path(r"^document/(?P<doctype>[^/]+)/bulk_update/?$", v2.BulkView.as_view(action="update")),
    re_path(r"^document/(?P<doctype>[^/]+)/bulk_insert/?$", v2.BulkView.as_view(action="insert")),
    re_path(r"^document/(?P<doctype>[^/]+)/?$", v2.DocumentListView.as_view(), name="document-list"),
    re_path(r"^document/(?P<doctype>[^/]+)/(?P<name>.+?)/copy/?$", v2.DocumentCopyView.as_view()),
    re_path(r"^document/(?P<doctype>[^/]+)/(?P<name>.+?)/method/(?P<method>[^/]+)/?$",
            v2.DocumentMethodView.as_view()),
    re_path(r"^document/(?P<doctype>[^/]+)/(?P<name>.+?)/?$", v2.DocumentDetailView.as_view(),
            name="document-detail"),
    re_path(r"^doctype/(?P<doctype>[^/]+)/meta/?$", v2.DocTypeMetaView.as_view()),
    re_path(r"^doctype/(?P<doctype>[^/]+)/count/?$", v2.DocTypeCountView.as_view()),
    re_path(r"^method/run_doc_method/?$", v2.RunDocMethodView.as_view()),
    re_path(r"^method/bulk_delete/?$", v2.BulkView.as_view(action="delete")),
    re_path(r"^method/bulk_update/?$", v2.BulkView.as_view(action="update")),
    re_path(r"^method/(?P<doctype>[^/.]+)/(?P<method>[^/]+)/?$", v2.DocTypeMethodView.as_view()),
]
