"""factory-boy factories for the demo DocTypes."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from example_project.demo.models import Customer, Note, ToDo
from frappe_api.naming import make_hash


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = "Tester"
    password = factory.django.Password("secret")


class AdministratorFactory(UserFactory):
    username = "Administrator"
    is_superuser = True
    is_staff = True


class DocumentFactory(factory.django.DjangoModelFactory):
    """Standard fields as the document service would set them."""

    name = factory.LazyFunction(make_hash)
    owner = "Administrator"
    modified_by = "Administrator"
    creation = factory.LazyFunction(timezone.now)
    modified = factory.LazyFunction(timezone.now)


class ToDoFactory(DocumentFactory):
    class Meta:
        model = ToDo

    description = factory.Sequence(lambda n: f"ToDo number {n}")
    status = "Open"
    priority = "Medium"


class NoteFactory(DocumentFactory):
    class Meta:
        model = Note

    title = factory.Sequence(lambda n: f"Note {n}")


class CustomerFactory(DocumentFactory):
    class Meta:
        model = Customer

    customer_name = factory.Sequence(lambda n: f"Customer {n}")
    name = factory.LazyAttribute(lambda o: o.customer_name)


def minutes_ago(minutes: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)
