"""Demo accounts for `manage.py demo`: one staff member and one customer (safe to run again)."""

from __future__ import annotations

from typing import TextIO

from contexts.identity import selectors, services

# Development only: these credentials are printed on every `make run`.
DEMO_ACCOUNTS = (
    {
        "email": "staff@example.com",
        "password": "Shop-Staff-Demo-1",
        "name": "Demo Staff",
        "is_staff": True,
    },
    {
        "email": "customer@example.com",
        "password": "Shop-Customer-Demo-1",
        "name": "Demo Customer",
        "is_staff": False,
    },
)


def load(*, out: TextIO) -> None:
    for account in DEMO_ACCOUNTS:
        email = str(account["email"])
        if selectors.user_email_taken(email=email):
            state = "exists"
        else:
            services.user_register(
                email=email,
                password=str(account["password"]),
                name=str(account["name"]),
                is_staff=bool(account["is_staff"]),
            )
            state = "created"
        role = "staff" if account["is_staff"] else "customer"
        out.write(f"identity: {role} {email} / {account['password']} ({state})\n")
