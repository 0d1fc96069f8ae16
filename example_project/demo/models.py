"""Demo DocTypes modelled on Frappe's own: ToDo, Note, Customer, and Django's User."""

from django.conf import settings
from django.contrib.auth.models import User as AuthUser
from django.db import models

from frappe_api.models import Document

STATUS_CHOICES = [("Open", "Open"), ("Closed", "Closed"), ("Cancelled", "Cancelled")]
PRIORITY_CHOICES = [("Low", "Low"), ("Medium", "Medium"), ("High", "High")]


class ToDo(Document):
    """Frappe's ToDo."""

    description = models.TextField()
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default="Open", db_index=True)
    priority = models.CharField(max_length=20, choices=PRIORITY_CHOICES, default="Medium")
    date = models.DateField(null=True, blank=True)
    allocated_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    reference_type = models.CharField(max_length=140, blank=True, default="")
    reference_name = models.CharField(max_length=140, blank=True, default="")

    class Meta:
        verbose_name = "ToDo"


class Note(Document):
    """Frappe's Note."""

    title = models.CharField(max_length=140)
    content = models.TextField(blank=True, default="")
    public = models.BooleanField(default=False)


class Customer(Document):
    """A customer named by its ``customer_name``."""

    customer_name = models.CharField(max_length=140)
    customer_group = models.CharField(max_length=140, blank=True, default="")
    territory = models.CharField(max_length=140, blank=True, default="")


class User(AuthUser):
    """Django's user seen as Frappe's User DocType (a proxy: no table of its own)."""

    class Meta:
        proxy = True

    def before_insert(self) -> None:
        """A user created without ``new_password`` cannot log in with a password."""
        if not self.password:
            self.set_unusable_password()
