"""The benchmark's tables: a ToDo-like table with a Link (ForeignKey) to a Project table."""

from django.db import models

from frappe_api.models import Document

STATUS_CHOICES = [("Open", "Open"), ("Closed", "Closed"), ("Cancelled", "Cancelled")]
PRIORITY_CHOICES = [("Low", "Low"), ("Medium", "Medium"), ("High", "High")]


class Project(Document):
    """The Link target, named by ``project_name``."""

    project_name = models.CharField(max_length=140, unique=True)
    status = models.CharField(max_length=20, default="Open")


class ToDo(Document):
    """Frappe's ToDo, indexed as a deployment would index it: ``modified`` (the default sort, from
    ``Document``), the ``project`` Link, and the usual filters in the default order."""

    description = models.TextField()
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default="Open")
    priority = models.CharField(max_length=20, choices=PRIORITY_CHOICES, default="Medium")
    date = models.DateField(null=True, blank=True)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "ToDo"
        indexes = [models.Index(fields=["status", "priority", "modified"], name="bench_todo_status_priority")]


class SalesOrder(Document):
    """A series-named document (``SO-.#####``) with a child table: the concurrent-insert scenario."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    transaction_date = models.DateField()
    remarks = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = "Sales Order"


class SalesOrderItem(Document):
    """One row of a Sales Order's ``items``."""

    parent = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="items")
    item_code = models.CharField(max_length=140)
    qty = models.IntegerField(default=1)
    rate = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = "Sales Order Item"
