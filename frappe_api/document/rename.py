"""Renaming a document: the row and every Link pointing at it change in one transaction."""

from __future__ import annotations

from typing import Any


from .. import naming, signals
from ..exceptions import DuplicateEntryError, ValidationError
from ..meta import DocTypeMeta
from ..permissions import check_permission
from . import attachments
from .loading import name_value, writable


def rename_doc(meta: DocTypeMeta, old_name: Any, new_name: Any, user: Any, *, merge: bool = False) -> Any:
    """Rename ``old_name`` to ``new_name`` (DocTypes with ``allow_rename`` only; needs ``write``).

    When the name is the primary key, the row is copied under the new key,
    every ForeignKey pointing at the old row is moved to the new one, and the
    old row is deleted, all in one transaction on every database.
    """
    if not meta.options.allow_rename:
        raise ValidationError(f"{meta.doctype} not allowed to be renamed")
    check_permission(meta, "write", user)
    if merge:
        raise ValidationError("Merging documents on rename is not supported")
    new_name = naming.validate_name(meta, new_name)
    with writable(meta, old_name, user, ("write",)) as instance:
        new_value = name_value(meta, new_name)
        if getattr(instance, meta.name.attname) == new_value:
            return new_name
        model = meta.model
        if model._default_manager.filter(**{meta.name.attname: new_value}).exists():
            raise DuplicateEntryError(f"{meta.doctype} {new_name} already exists")
        attachments.move_attachments(meta, getattr(instance, meta.name.attname), new_value)
        if meta.name.model_field is not model._meta.pk:
            setattr(instance, meta.name.attname, new_value)
            instance.save(update_fields=[meta.name.attname])
            signals.doc_renamed.send(sender=model, meta=meta, old_name=old_name, new_name=new_name, user=user)
            return new_name
        old_pk = instance.pk
        instance.pk = new_value
        instance._state.adding = True
        instance.save(force_insert=True)
        for relation in model._meta.get_fields(include_hidden=True):
            if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one):
                related = relation.related_model._base_manager.filter(**{relation.field.attname: old_pk})
                related.update(**{relation.field.attname: new_value})
        model._base_manager.filter(pk=old_pk).delete()
        signals.doc_renamed.send(sender=model, meta=meta, old_name=old_name, new_name=new_name, user=user)
        return new_name
