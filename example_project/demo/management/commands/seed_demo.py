"""Create the demo Administrator and a few hundred rows (idempotent: nothing is added twice)."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from example_project.demo.models import Customer, Note, SalesOrder, SalesOrderItem, Territory, ToDo
from frappe_api.models import Series
from frappe_api.naming import make_hash

WORDS = ("call", "email", "review", "ship", "invoice", "order", "quote", "meet", "plan", "fix", "update",
         "check", "draft", "send", "book", "pay", "report", "sign", "renew", "visit")
GROUPS = ("Commercial", "Individual", "Government", "Non Profit")
TERRITORIES = {"All Territories": None, "Asia": "All Territories", "Europe": "All Territories",
               "Americas": "All Territories", "India": "Asia", "Japan": "Asia", "Germany": "Europe",
               "France": "Europe", "United States": "Americas", "Brazil": "Americas"}
ITEMS = ("Widget", "Gadget", "Sprocket", "Gizmo", "Doohickey")
OAUTH_CLIENT_ID = "demo-client"
OAUTH_REDIRECT_URIS = ("http://127.0.0.1:8000/oauth-callback", "http://localhost:8000/oauth-callback")


class Command(BaseCommand):
    help = "Seed the demo database: the Administrator superuser and sample ToDo, Note, Customer and User rows."

    def handle(self, *args, **options):
        users = get_user_model()
        admin, created = users.objects.get_or_create(
            username="Administrator", defaults={"email": "admin@example.com", "first_name": "Administrator",
                                                "is_staff": True, "is_superuser": True})
        if created:
            admin.set_password("admin")
            admin.save()
        rng = random.Random(15)
        if not users.objects.filter(username__startswith="user").exists():
            users.objects.bulk_create(
                users(username=f"user{i}", email=f"user{i}@example.com", first_name=f"User{i}",
                      last_name="Demo", password="!")
                for i in range(1, 11))
        people = list(users.objects.order_by("id"))
        now = timezone.now()
        if not ToDo.objects.exists():
            todos = []
            for i in range(300):
                stamp = now - datetime.timedelta(minutes=7 * i)
                todos.append(ToDo(
                    name=make_hash(), owner="Administrator", modified_by="Administrator", creation=stamp,
                    modified=stamp, description=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} #{i}",
                    status=rng.choice(("Open", "Open", "Closed", "Cancelled")),
                    priority=rng.choice(("Low", "Medium", "High")),
                    date=(now + datetime.timedelta(days=rng.randint(-30, 30))).date() if i % 3 else None,
                    allocated_to=rng.choice(people) if i % 2 else None,
                ))
            ToDo.objects.bulk_create(todos)
        if not Note.objects.exists():
            Note.objects.bulk_create(
                Note(name=make_hash(), owner="Administrator", modified_by="Administrator",
                     title=f"Note {i}", content=f"Content of note {i}", public=bool(i % 2))
                for i in range(60))
        if not Territory.objects.exists():
            for name, parent in TERRITORIES.items():
                Territory.objects.create(name=name, territory_name=name, parent_territory_id=parent,
                                         is_group=parent is None or name in ("Asia", "Europe", "Americas"),
                                         owner="Administrator", modified_by="Administrator")
        leaves = [name for name in TERRITORIES if name not in ("All Territories", "Asia", "Europe", "Americas")]
        if not Customer.objects.exists():
            Customer.objects.bulk_create(
                Customer(name=f"Customer {i:03d}", customer_name=f"Customer {i:03d}", owner="Administrator",
                         modified_by="Administrator", customer_group=rng.choice(GROUPS),
                         territory_id=rng.choice(leaves))
                for i in range(1, 61))
        if not SalesOrder.objects.exists():
            customers = list(Customer.objects.values_list("name", flat=True))
            orders, rows = [], []
            for i in range(1, 41):
                order = SalesOrder(name=f"SO-{i:05d}", owner="Administrator", modified_by="Administrator",
                                   customer_id=rng.choice(customers), docstatus=rng.choice((0, 1, 1, 2)),
                                   transaction_date=(now - datetime.timedelta(days=rng.randint(0, 90))).date())
                total = 0
                for idx in range(1, rng.randint(1, 4) + 1):
                    qty, rate = rng.randint(1, 10), rng.choice((5, 12, 20, 99))
                    total += qty * rate
                    rows.append(SalesOrderItem(name=make_hash(), parent=order, idx=idx, item_code=rng.choice(ITEMS),
                                               qty=qty, rate=rate, amount=qty * rate, docstatus=order.docstatus,
                                               owner="Administrator", modified_by="Administrator"))
                order.grand_total = total
                orders.append(order)
            SalesOrder.objects.bulk_create(orders)
            SalesOrderItem.objects.bulk_create(rows)
            Series.objects.update_or_create(name="SO-", defaults={"current": len(orders)})
        from frappe_api.auth.keys import generate_keys

        api_key, api_secret = generate_keys(admin)
        client_secret = seed_oauth_client()
        self.stdout.write(self.style.WARNING(
            "Demo login: Administrator / admin  (demo only: change it before exposing this server)"))
        self.stdout.write(self.style.WARNING(f"Demo API key: Authorization: token {api_key}:{api_secret}"))
        self.stdout.write(self.style.WARNING(
            f"Demo OAuth client: client_id {OAUTH_CLIENT_ID}, client_secret {client_secret}, "
            f"redirect_uri {OAUTH_REDIRECT_URIS[0]}, scopes all openid"))


def seed_oauth_client() -> str:
    """The demo's confidential OAuth client (HS256 id_tokens), with a new secret on every run (stored hashed)."""
    from oauth2_provider.generators import generate_client_secret
    from oauth2_provider.models import get_application_model

    from frappe_api.oauth.models import ApplicationScopes

    secret = generate_client_secret()
    application, _ = get_application_model().objects.update_or_create(client_id=OAUTH_CLIENT_ID, defaults={
        "name": "Demo App", "client_type": "confidential", "authorization_grant_type": "authorization-code",
        "redirect_uris": " ".join(OAUTH_REDIRECT_URIS), "algorithm": "HS256", "hash_client_secret": True,
        "client_secret": secret})
    ApplicationScopes.objects.update_or_create(application=application, defaults={"scopes": "all openid"})
    return secret
