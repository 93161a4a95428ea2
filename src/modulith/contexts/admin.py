"""Admin building blocks for contexts whose rows change only through their services, and for
rows staff edit in the admin that a read cache keeps.

An admin edit would save a row without the event its service publishes, leaving the other
contexts out of date; the read-only classes let staff look without offering add, change or
delete. `ReadCacheInvalidatingAdmin` lets them edit, and every save and delete invalidates a
read cache's scope (modulith.contexts.caching) inside the transaction that writes.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.db import router, transaction
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from modulith.contexts.caching import VersionedCache


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Lists and shows rows; admin actions (which should call services) still run."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyTabularInline(admin.TabularInline):
    """Shows a parent's child rows; removing them is refused as well as adding and changing."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadCacheInvalidatingAdmin(admin.ModelAdmin):
    """A model admin whose saves and deletes invalidate `read_cache`'s `read_cache_scope`.

    The admin's add, change and delete views each run in one transaction on the model's
    database, inlines included; invalidating as the main row is saved or deleted covers the
    inlines' rows too. The changelist's bulk delete runs without one, so it gets its own.
    """

    read_cache: ClassVar[VersionedCache]
    read_cache_scope: ClassVar[str]

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._invalidate()

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        super().delete_model(request, obj)
        self._invalidate()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic(using=self._database()):
            super().delete_queryset(request, queryset)
            self._invalidate()

    def _invalidate(self) -> None:
        self.read_cache.invalidate(self.read_cache_scope, using=self._database())

    def _database(self) -> str:
        return router.db_for_write(self.model)
