"""manage.py topology: where every context runs, checked, and the gateway in front.

    manage.py topology                      this process's service (SHOP_TOPOLOGY, SHOP_SERVICE)
    manage.py topology --all [--json]       the whole deployment: table and Mermaid, or JSON
    manage.py topology check [--every]      validate (exit 1 with a fix per problem)
    manage.py topology gateway [--output F] [--listen PORT]   an nginx configuration

`--topology NAME` looks at another file of config/topologies/ than SHOP_TOPOLOGY.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from modulith.contexts.registry import all_contexts
from modulith.topology.checks import Problem, all_problems, api_call_graph
from modulith.topology.describe import describe_placement, markdown_table, mermaid
from modulith.topology.gateway import render_nginx
from modulith.topology.model import TopologyError, available_topologies, load_topology
from modulith.topology.placement import Placement, ServiceView, current_service, place


class Command(BaseCommand):
    help = "Show, check or put a gateway in front of the topology (config/topologies/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", nargs="?", choices=("show", "check", "gateway"), default="show"
        )
        parser.add_argument("--topology", help="A topology other than SHOP_TOPOLOGY's.")
        parser.add_argument("--all", action="store_true", help="Every service, not only this.")
        parser.add_argument("--json", action="store_true", help="Machine-readable output.")
        parser.add_argument(
            "--every", action="store_true", help="check: every file of config/topologies/."
        )
        parser.add_argument("--output", help="gateway: write the nginx configuration here.")
        parser.add_argument("--listen", type=int, default=8080, help="gateway: nginx's port.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "check":
            self._check(options["topology"], every=options["every"])
        elif action == "gateway":
            self._gateway(options["topology"], options["output"], options["listen"])
        else:
            self._show(options["topology"], every_service=options["all"], as_json=options["json"])

    def _show(self, name: str | None, *, every_service: bool, as_json: bool) -> None:
        placement = _placement(name)
        described = describe_placement(placement)
        if not every_service:
            view = _this_service(placement, name)
            (mine,) = [s for s in described["services"] if s["name"] == view.name]
            if as_json:
                self.stdout.write(json.dumps({**described, "services": [mine]}, indent=2))
            else:
                self._write_service(described, mine)
            return
        if as_json:
            self.stdout.write(json.dumps(described, indent=2))
            return
        self.stdout.write(f"Topology {placement.topology.name}: {placement.topology.description}")
        self.stdout.write("")
        self.stdout.write(markdown_table(described))
        self.stdout.write("")
        self.stdout.write("```mermaid")
        self.stdout.write(mermaid(described, api_call_graph()))
        self.stdout.write("```")

    def _write_service(self, described: dict[str, Any], service: dict[str, Any]) -> None:
        write = self.stdout.write
        write(f"Topology {described['topology']}, service {service['name']}")
        write(f"  contexts:  {', '.join(service['contexts'])}")
        write(f"  url:       {service['url'] or '-'}")
        write(f"  database:  ${service['database']}")
        write(f"  queues:    {', '.join(service['queues'])}")
        write(f"  admin:     {'yes' if service['home'] else 'no (on ' + described['home'] + ')'}")
        write(f"  beat:      {'yes' if service['beat'] else 'no (on ' + described['beat'] + ')'}")
        write("  periodic jobs:")
        for job in service["periodic_jobs"]:
            write(f"    {job['name']} every {job['every_seconds']}s on {job['queue']}")
        write(f"  routes:    {' '.join(service['routes'])}")
        write("  remote contexts:")
        for context, url in service["remote_contexts"].items() or [("-", "")]:
            write(f"    {context} {url}".rstrip())

    def _check(self, name: str | None, *, every: bool) -> None:
        names = available_topologies(_directory()) if every else [name]
        calls = api_call_graph()
        failed = 0
        for each in names:
            label = each or settings.SHOP_TOPOLOGY
            try:
                placement = _placement(each)
            except TopologyError as error:
                problems = [Problem("file", str(error), "edit the topology file.")]
            else:
                view = current_service() if each is None else None
                problems = all_problems(placement, api_calls=calls, view=view)
            if problems:
                failed += 1
                self.stderr.write(f"topology {label}: {len(problems)} problem(s)")
                for problem in problems:
                    self.stderr.write(f"  {problem}")
            else:
                self.stdout.write(f"topology {label}: ok")
        if failed:
            raise CommandError(f"{failed} topolog{'y' if failed == 1 else 'ies'} cannot run.")

    def _gateway(self, name: str | None, output: str | None, listen: int) -> None:
        text = render_nginx(
            _placement(name),
            listen=listen,
            max_body_bytes=int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        )
        if output:
            Path(output).write_text(text)
            self.stdout.write(f"wrote {output}")
        else:
            self.stdout.write(text, ending="")


def _directory() -> Path:
    return Path(settings.TOPOLOGY_DIR)


def _placement(name: str | None) -> Placement:
    """The current placement, or the named topology placed over the installed contexts."""
    if name is None or name == settings.SHOP_TOPOLOGY:
        view = current_service()
        if view is None:
            raise CommandError("No topology configured (settings.TOPOLOGY_SERVICE).")
        return view.placement
    return place(
        load_topology(name, _directory()),
        [context.label for context in all_contexts()],
        home_context=settings.TOPOLOGY_HOME_CONTEXT,
    )


def _this_service(placement: Placement, name: str | None) -> ServiceView:
    view = current_service()
    if view is not None and view.placement.topology.name == placement.topology.name:
        return view
    raise CommandError(
        f"This process is not a service of topology {name!r}: use --all to see all of it."
    )
