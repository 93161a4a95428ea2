"""Codes: text choices whose label is the stored code itself, in words.

Most of the contexts' statuses and reasons are codes that already read well ("pending",
"out_of_stock"); writing each twice, as value and label, only lets the two drift apart. A member
that needs a longer label still gives one: `PAYMENT_UNAVAILABLE = "payment_unavailable",
"payment provider unavailable"`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models.enums import ChoicesType


class _LabelledByCode(ChoicesType):
    def __new__(
        metacls, classname: str, bases: tuple[type, ...], classdict: Any, **kwds: Any
    ) -> _LabelledByCode:
        for name in classdict._member_names:
            code = classdict[name]
            if isinstance(code, str):
                # As Django's ChoicesType sets its members: the enum's class dictionary refuses
                # a name assigned twice.
                dict.__setitem__(classdict, name, (code, code.replace("_", " ")))
        return super().__new__(metacls, classname, bases, classdict, **kwds)


if TYPE_CHECKING:
    # Type checkers see plain text choices: django-stubs types the members and `choices`
    # through TextChoices' own metaclass, which the one above only extends.
    Codes = models.TextChoices
else:

    class Codes(models.TextChoices, metaclass=_LabelledByCode):
        """`OUT_OF_STOCK = "out_of_stock"` stores "out_of_stock", labelled "out of stock"."""
