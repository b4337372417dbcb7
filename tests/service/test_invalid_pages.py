"""A page asked with input it cannot use says what was wrong in a sentence on a styled page: an id in the address
that is no id is "There is no person with the id “abc”.", never "out of range" or raw JSON."""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient

from identity_graph.web.deps import INVALID_MESSAGE, invalid_message
from tests.service.test_web_pages import sign_in
from tests.service.world import World


@pytest.mark.parametrize(
    ("path", "sentence"),
    [
        ("/persons/abc", "There is no person with the id “abc”."),
        ("/persons/-3", "There is no person with the id “-3”."),
        ("/persons/0", "There is no person with the id “0”."),
        ("/persons/99999999999999999999999", "There is no person with the id “99999999999999999999999”."),
        ("/persons/1/why/abc", "There is no record with the id “abc”."),
        ("/persons/abc/graph", "There is no person with the id “abc”."),
    ],
)
def test_an_id_that_is_no_id_says_there_is_no_such_person(
    client: TestClient, world: World, path: str, sentence: str
) -> None:
    sign_in(client, world.tokens["admin"])
    page = client.get(path)
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Check your input</h1>" in page.text and 'href="/static/app.css"' in page.text
    assert f'<p role="alert">{html.escape(sentence, quote=True)}</p>' in page.text
    assert "out of range" not in page.text and "Signed in as" in page.text


def test_a_long_bad_id_is_cut_and_markup_stays_text(client: TestClient, world: World) -> None:
    sign_in(client, world.tokens["agent"])
    page = client.get("/persons/" + "<b>x" + "9" * 300)
    assert page.status_code == 422
    assert "&lt;b&gt;x9" in page.text and "<b>x" not in page.text
    assert "9" * 60 not in page.text and "…”." in page.text


def test_without_a_session_the_bad_address_signs_in_first(client: TestClient) -> None:
    page = client.get("/persons/abc", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"


def test_the_api_keeps_its_json(client: TestClient, world: World) -> None:
    from tests.service.conftest import bearer

    answer = client.get("/api/v1/persons/abc", headers=bearer(world.tokens["agent"]))
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("errors", "sentence"),
    [
        ([{"loc": ("path", "person_id"), "input": "abc"}], "There is no person with the id “abc”."),
        ([{"loc": ("path", "token_id"), "input": "x"}], "There is no token with the id “x”."),
        ([{"loc": ("path", "widget_id"), "input": "x"}], "There is no widget with the id “x”."),
        ([{"loc": ("query", "page"), "input": "abc"}], "“abc” is not a valid page; check it and try again."),
        ([{"loc": ("body", "handle"), "input": None}], "The handle is missing; fill it in and try again."),
        ([{"loc": ("body",), "input": {"a": 1}}], INVALID_MESSAGE),
        ([], INVALID_MESSAGE),
    ],
)
def test_the_sentence_for_each_kind_of_error(errors: list[dict[str, object]], sentence: str) -> None:
    assert invalid_message(errors) == sentence
