"""Demo accounts for `manage.py demo` (safe to run again): an administrator who can use every
page of the admin, a staff member for the back-office API, and a customer."""

from __future__ import annotations

from typing import TextIO

from contexts.identity import selectors, services

# Development only: these credentials are printed on every `make run`.
DEMO_ACCOUNTS = (
    {
        "email": "admin@example.com",
        "password": "Shop-Admin-Demo-1",
        "name": "Demo Admin",
        "role": "admin",
    },
    {
        "email": "staff@example.com",
        "password": "Shop-Staff-Demo-1",
        "name": "Demo Staff",
        "role": "staff",
    },
    {
        "email": "customer@example.com",
        "password": "Shop-Customer-Demo-1",
        "name": "Demo Customer",
        "role": "customer",
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
                is_staff=account["role"] == "staff",
                is_superuser=account["role"] == "admin",
            )
            state = "created"
        out.write(f"identity: {account['role']} {email} / {account['password']} ({state})\n")
