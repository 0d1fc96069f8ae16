"""Demo DocTypes modelled on Frappe's own: ToDo, Note, Customer, and Django's User."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User as AuthUser
from django.db import models

from frappe_api import whitelist
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

    @whitelist(methods=["POST"])
    def close(self, reason: str = "") -> str:
        """Close the ToDo (a whitelisted document method: ``run_method=close``)."""
        type(self).objects.filter(pk=self.pk).update(status="Closed", reference_name=reason or self.reference_name)
        return "Closed"

    @whitelist
    def summary(self) -> str:
        """A read-only whitelisted method."""
        return f"{self.status}: {self.description}"

    def reopen(self) -> None:
        """Not whitelisted: refused over HTTP."""


class Note(Document):
    """Frappe's Note."""

    title = models.CharField(max_length=140)
    content = models.TextField(blank=True, default="")
    public = models.BooleanField(default=False)


class Territory(Document):
    """A tree of sales territories (ERPNext's Territory), named by ``territory_name``."""

    territory_name = models.CharField(max_length=140)
    parent_territory = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="children")
    is_group = models.BooleanField(default=False)


class Customer(Document):
    """A customer named by its ``customer_name``."""

    customer_name = models.CharField(max_length=140)
    customer_group = models.CharField(max_length=140, blank=True, default="")
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.PROTECT, related_name="+")


class SalesOrder(Document):
    """A submittable sales order with a child table of items."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    transaction_date = models.DateField()
    grand_total = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    remarks = models.TextField(blank=True, default="")
    delivery_time = models.TimeField(null=True, blank=True)
    amended_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "Sales Order"

    def validate(self) -> None:
        """Compute each row's amount and the grand total (Frappe's controller hook)."""
        total = Decimal(0)
        for row in self.frappe_tables.get("items", []):
            row.amount = Decimal(row.qty or 0) * Decimal(row.rate or 0)
            total += row.amount
        self.grand_total = total


class SalesOrderItem(Document):
    """One row of a Sales Order's ``items`` table."""

    parent = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="items")
    item_code = models.CharField(max_length=140)
    qty = models.IntegerField(default=1)
    rate = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    discount_percentage = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "Sales Order Item"


class SellingSettings(models.Model):
    """A Single DocType: one record of settings, named after the DocType."""

    customer_group = models.CharField("Default Customer Group", max_length=140, blank=True, default="Commercial")
    so_required = models.BooleanField("Sales Order Required", default=False)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Selling Settings"
        verbose_name_plural = "Selling Settings"


class User(AuthUser):
    """Django's user seen as Frappe's User DocType (a proxy: no table of its own)."""

    class Meta:
        proxy = True

    def before_insert(self) -> None:
        """A user created without ``new_password`` cannot log in with a password."""
        if not self.password:
            self.set_unusable_password()
