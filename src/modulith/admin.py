"""Admin for the outbox and the inbox: the event flow page, dead letters, replay and dry run.

Beside the two model admins, the inbox admin serves two pages of its own:

- `flow/`: the live context map (modulith.ops.flow), the figures /metrics exports,
  per subscription, with the dead letters listed below it;
- `<id>/dead-letter/?database=<alias>`: one dead letter, readable (the envelope pretty-printed,
  the traceback as written), with Replay and Dry-run replay buttons
  (modulith.events.recovery.dryrun).

Looking needs the inbox's view permission; replaying and dry-running need its change permission
(a dry run executes handler code, even if it rolls back).
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from modulith.contexts.admin import ReadOnlyModelAdmin
from modulith.contexts.registry import database_aliases
from modulith.events.recovery.deadletters import dead_letters, replay_dead_letters
from modulith.events.recovery.dryrun import dry_run_inbox_row
from modulith.models import InboxMessage, InboxStatus, OutboxMessage
from modulith.ops.flow import flow_map

# The admin's front page links to the event flow page (see templates/admin/modulith/).
admin.site.index_template = "admin/modulith/index.html"


class PendingFilter(admin.SimpleListFilter):
    title = "dispatch"
    parameter_name = "dispatch"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("pending", "pending"), ("dispatched", "dispatched")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "pending":
            return queryset.filter(dispatched_at__isnull=True)
        if self.value() == "dispatched":
            return queryset.filter(dispatched_at__isnull=False)
        return queryset


class ReadOnlyAdmin(ReadOnlyModelAdmin):
    """Rows are written by the kernel only; the admin looks, replays, and may delete."""

    has_delete_permission = admin.ModelAdmin.has_delete_permission


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "event_type",
        "source_context",
        "created_at",
        "dispatched_at",
        "dispatch_attempts",
    ]
    list_filter = [PendingFilter, "source_context", "event_type"]
    search_fields = ["id", "event_type"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]


@admin.register(InboxMessage)
class InboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "subscription",
        "event_type",
        "status",
        "attempts",
        "next_attempt_at",
        "received_at",
        "processed_at",
        "dead_letter_page",
    ]
    list_filter = ["status", "subscription", "event_type"]
    search_fields = ["event_id", "subscription", "last_error"]
    date_hierarchy = "received_at"
    readonly_fields = [field.name for field in InboxMessage._meta.fields]
    actions = ["replay"]
    change_list_template = "admin/modulith/inboxmessage/change_list.html"

    @admin.display(description="dead letter")
    def dead_letter_page(self, row: InboxMessage) -> str:
        if row.status != InboxStatus.DEAD:
            return ""
        url = dead_letter_url(row.id, row._state.db or "default")
        return format_html('<a href="{}">open</a>', url)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("flow/", wrap(self.flow_view), name="modulith_flow"),
            path(
                "<int:row_id>/dead-letter/",
                wrap(self.dead_letter_view),
                name="modulith_dead_letter",
            ),
            *super().get_urls(),
        ]

    def flow_view(self, request: HttpRequest) -> HttpResponse:
        self._require(request, "view")
        context = {
            **self.admin_site.each_context(request),
            "title": "Event flow",
            "opts": self.opts,
            "flow": flow_map(),
            "dead_letters": dead_letters()[:200],
        }
        return render(request, "admin/modulith/flow.html", context)

    def dead_letter_view(self, request: HttpRequest, row_id: int) -> HttpResponse:
        self._require(request, "view")
        database = request.GET.get("database", "default")
        if database not in database_aliases():
            raise Http404("No such database.")
        row = InboxMessage.objects.using(database).filter(id=row_id).first()
        if row is None:
            raise Http404("No such inbox row.")
        dry_run = None
        if request.method == "POST":
            self._require(request, "change")
            if request.POST.get("action") == "replay":
                return self._replay_one(request, row, database)
            dry_run = dry_run_inbox_row(id=row.id, database=database)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Dead letter #{row.id}" if row.status == InboxStatus.DEAD else str(row),
            "opts": self.opts,
            "row": row,
            "database": database,
            "envelope": json.dumps(row.envelope, indent=2, ensure_ascii=False),
            "dry_run": dry_run,
            "published": [
                json.dumps(envelope, indent=2, ensure_ascii=False)
                for envelope in (dry_run.published if dry_run else ())
            ],
            "can_replay": self.has_replay_permission(request),
            "is_dead": row.status == InboxStatus.DEAD,
        }
        return render(request, "admin/modulith/dead_letter.html", context)

    def _replay_one(self, request: HttpRequest, row: InboxMessage, database: str) -> HttpResponse:
        if row.status != InboxStatus.DEAD:
            self.message_user(request, "Only a dead letter can be replayed.", messages.WARNING)
        else:
            replay_dead_letters(ids=[row.id], databases=[database])
            row.refresh_from_db()
            self.message_user(
                request,
                f"Replayed: the delivery is now {row.get_status_display()}.",
                messages.SUCCESS if row.status != InboxStatus.DEAD else messages.WARNING,
            )
        return HttpResponseRedirect(dead_letter_url(row.id, database))

    def _require(self, request: HttpRequest, permission: str) -> None:
        opts = self.opts
        if not request.user.has_perm(f"{opts.app_label}.{permission}_{opts.model_name}"):
            raise PermissionDenied

    @admin.action(description="Replay the selected dead letters", permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[InboxMessage]) -> None:
        dead = list(queryset.filter(status=InboxStatus.DEAD).values_list("id", flat=True))
        skipped = queryset.count() - len(dead)
        replayed = replay_dead_letters(ids=dead, databases=[queryset.db]) if dead else 0
        self.message_user(request, f"Replayed {replayed} dead letter(s).", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"Skipped {skipped} row(s) that are not dead letters.", messages.WARNING
            )

    def has_replay_permission(self, request: HttpRequest) -> bool:
        # Replaying runs handlers again: as strong as editing the inbox.
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


def dead_letter_url(row_id: int, database: str) -> str:
    url = reverse("admin:modulith_dead_letter", args=[row_id])
    return f"{url}?database={database}"
