"""App config of the optional realtime app: connects the document signals to the publisher."""

from django.apps import AppConfig


class FrappeRealtimeConfig(AppConfig):
    name = "frappe_api.realtime"
    label = "frappe_api_realtime"
    verbose_name = "Frappe API Realtime"

    def ready(self) -> None:
        from .. import signals
        from . import events, rpc  # noqa: F401 - rpc registers the frappe.realtime.* methods

        signals.doc_changed.connect(events.document_changed, weak=False, dispatch_uid="frappe_realtime_changed")
        signals.doc_renamed.connect(events.document_renamed, weak=False, dispatch_uid="frappe_realtime_renamed")
