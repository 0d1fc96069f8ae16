"""App config of the optional realtime app: connects the document signals to the publisher."""

from django.apps import AppConfig

from .. import signals


class FrappeRealtimeConfig(AppConfig):
    name = "frappe_api.realtime"
    label = "frappe_api_realtime"
    verbose_name = "Frappe API Realtime"

    def ready(self) -> None:
        from . import events, rpc  # noqa: F401 - models are loaded only now; rpc registers frappe.realtime.*

        signals.doc_changed.connect(events.document_changed, weak=False, dispatch_uid="frappe_realtime_changed")
        signals.doc_renamed.connect(events.document_renamed, weak=False, dispatch_uid="frappe_realtime_renamed")
