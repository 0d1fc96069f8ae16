"""Signals the document service sends, for optional apps (``frappe_api.realtime``) to act on.

Both are sent inside the write's transaction, after the controller hooks ran;
a receiver that acts on the outside world defers the action with
``transaction.on_commit`` so nothing escapes a write that is rolled back.

* ``doc_changed(meta, instance, name, action, user)``: the document ``name``
  was inserted, saved, submitted, cancelled or deleted (``action`` is
  ``insert``, ``save``, ``submit``, ``cancel``, ``update_after_submit`` or
  ``delete``); ``instance`` is the model instance as written (as deleted,
  its primary key cleared by Django, for a delete).
* ``doc_renamed(meta, old_name, new_name, user)``: a document has a new name.
"""

from django.dispatch import Signal

doc_changed = Signal()
doc_renamed = Signal()
