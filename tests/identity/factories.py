from __future__ import annotations

import factory
from factory.django import DjangoModelFactory, Password

from contexts.identity.models import User

# Passes Django's password validators; tests hash it with a fast hasher (see conftest).
PASSWORD = "correct-Horse-battery-9"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    password = Password(PASSWORD)
    is_staff = False
