"""factory-boy factories for the demo DocTypes."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from oauth2_provider.models import get_application_model

from example_project.demo.models import Customer, Note, ToDo
from frappe_api.naming import make_hash
from frappe_api.oauth.models import ApplicationScopes

CLIENT_SECRET = "client-secret-0123456789-abcdefghijklmnopqrstuvwxyz"


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


class OAuthApplicationFactory(factory.django.DjangoModelFactory):
    """A confidential authorization-code client with HS256 id_tokens; its secret (``CLIENT_SECRET``) is
    stored hashed. ``scopes`` sets the scopes it may be granted."""

    class Meta:
        model = get_application_model()
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Client App {n}")
    client_type = "confidential"
    authorization_grant_type = "authorization-code"
    redirect_uris = "https://client.example/callback"
    algorithm = "HS256"
    client_secret = CLIENT_SECRET
    hash_client_secret = True

    @factory.post_generation
    def scopes(self, create, extracted, **kwargs):
        if create:
            ApplicationScopes.objects.create(application=self, scopes=extracted or "all openid")
