"""`/` answers a small page that links to everything a newcomer looks for."""

from __future__ import annotations

import re

from django.test import Client


def test_the_root_answers_a_page_whose_links_all_work(client: Client, db) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    links = re.findall(r'href="([^"]+)"', response.content.decode())
    assert {"/api/docs/", "/api/redoc/", "/api/schema/", "/admin/", "/health/"} <= set(links)
    for link in links:
        assert client.get(link).status_code in {200, 302}, link
