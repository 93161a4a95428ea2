"""The topology file: parsing, validation and ${VAR:-default} URLs. No Django app, no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from modulith.topology.model import TopologyError, expand, load_topology, parse_topology

COMMITTED = Path(__file__).resolve().parents[2] / "config" / "topologies"
SOURCE = Path("config/topologies/probe.toml")


def two_services(**shop: object) -> dict[str, object]:
    return {
        "services": {
            "shop": {"contexts": ["*"], "url": "http://shop", "database": "DATABASE_URL", **shop},
            "payments": {
                "contexts": ["payments"],
                "url": "${PAYMENTS_URL:-http://127.0.0.1:8105}",
                "database": "PAYMENTS_DATABASE_URL",
            },
        }
    }


def test_a_service_url_takes_its_variable_or_the_default() -> None:
    topology = parse_topology("probe", two_services(), SOURCE)
    payments = topology.service("payments")

    assert payments.url({}) == "http://127.0.0.1:8105"
    assert payments.url({"PAYMENTS_URL": "http://payments:8000/"}) == "http://payments:8000"


def test_a_reference_without_default_must_be_set() -> None:
    with pytest.raises(TopologyError, match="PAYMENTS_URL"):
        expand("${PAYMENTS_URL}", {})
    assert expand("${PAYMENTS_URL}", {"PAYMENTS_URL": "http://p"}) == "http://p"


def test_one_service_is_chosen_without_shop_service_and_several_need_it() -> None:
    monolith = load_topology("monolith", COMMITTED)
    payments = load_topology("payments", COMMITTED)

    assert monolith.service_for_process("").name == "monolith"
    with pytest.raises(TopologyError, match=r"set SHOP_SERVICE .*shop, payments"):
        payments.service_for_process("")
    with pytest.raises(TopologyError, match=r"no service 'billing'.*shop, payments"):
        payments.service_for_process("billing")


def test_an_unknown_topology_lists_the_committed_ones() -> None:
    with pytest.raises(TopologyError, match=r"No topology 'paymnets'.*monolith.*services"):
        load_topology("paymnets", COMMITTED)


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        ({}, "declares no service"),
        ({"services": {"shop": {"contexts": [], "database": "DATABASE_URL"}}}, "non-empty list"),
        ({"services": {"shop": {"contexts": ["*"], "database": "db"}}}, "environment variable"),
        ({"services": {"Shop": {"contexts": ["*"], "database": "DATABASE_URL"}}}, "lower case"),
        (
            {"services": {"shop": {"contexts": ["*"], "database": "DATABASE_URL", "urls": "x"}}},
            "unknown key.*urls",
        ),
        (two_services(url=""), "`url` must be"),
        (two_services(contexts=["payments"]), "'payments' is hosted by both"),
        (two_services(database="PAYMENTS_DATABASE_URL"), "share the database variable"),
        (two_services(beat="yes"), "`beat` is true or false"),
    ],
)
def test_a_broken_file_is_refused_with_what_to_fix(
    document: dict[str, object], complaint: str
) -> None:
    with pytest.raises(TopologyError, match=complaint):
        parse_topology("probe", document, SOURCE)


def test_only_one_service_may_take_every_other_context() -> None:
    document = two_services()
    document["services"]["payments"]["contexts"] = ["*"]  # type: ignore[index]

    with pytest.raises(TopologyError, match="only one service may host every context"):
        parse_topology("probe", document, SOURCE)


def test_every_committed_topology_parses() -> None:
    names = sorted(path.stem for path in COMMITTED.glob("*.toml"))

    assert names == [
        "catalog", "identity", "inventory", "monolith", "notifications", "orders",
        "payments", "services", "shipping",
    ]  # fmt: skip
    for name in names:
        assert load_topology(name, COMMITTED).services
