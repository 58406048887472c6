"""No input reaches a 500 (issue 10, "what to build" 4).

For each role, the test opens every URL of the URL map (the authorization
matrix's rows give the objects), reads every form on every page it can see,
and posts fuzzed values to each: far and malformed dates, NUL characters, lone
surrogates (as the invalid UTF-8 a browser could send), 100 KB strings,
negative and huge numbers, lists where one value is expected. It fuzzes the
query parameters the views read on every page, and the tokens in public paths.

Nothing may answer 5xx. A refusal is a 4xx page with a message, or the form
again (200) showing every error it holds. Examples are few per target and
drawn deterministically (the "ci" profile in conftest), so CI stays quick.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
from django import forms
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.authz import ROLES, http_for
from tests.test_authorization_matrix import EXPECTED

# Query parameters the views read (grep request.GET), and common ones a probe tries.
QUERY_PARAMS = [
    "date", "page", "q", "week", "month", "status", "therapist", "held",
    "before", "after", "actor", "client", "next", "filter", "sort", "view",
]  # fmt: skip
NUMERIC = {"page", "held", "before", "after", "week", "month"}
SELECTORS = {"therapist", "actor", "client", "next"}
RANGE_MESSAGE = "Enter a date between 1900 and 2100."
# Actions whose success would end the session the rest of the walk needs.
SKIPPED_ACTIONS = {reverse("core:logout")}
NO_VALUE = {"submit", "button", "file"}
EXAMPLES_PER_FORM = 3
EXAMPLES_PER_PAGE = 1

SURROGATE = "\ud800"  # sent as the bytes ED A0 80: not UTF-8, so read as U+FFFD
NASTY = [
    "9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01", "2026-02-30", "2026-13-01",
    "-0001-01-01", "99999-01-01", "9999-12-31T23:59", "0001-01-01T00:00", "2026-06-01T25:61",
    "24:00", "23:59:60", "-1", "0", "-9223372036854775809", "9" * 40, "1e309", "NaN", "inf",
    "²", "١٢", "1.5", "0x10", "", " ", "\t\n", "a\x00b", "\x00", f"x{SURROGATE}y", SURROGATE,
    "\ufeff", "\u202e", "null", "None", "true", "[]", "{}", '{"a": 1}',
    "<script>alert(1)</script>", "'; DROP TABLE x; --", "%00", "../../etc/passwd",
    "00000000-0000-0000-0000-000000000000", "not-a-uuid", "x" * 100_000, "é" * 60_000,
]  # fmt: skip


def _nasty_values() -> st.SearchStrategy[str | list[str]]:
    scalar = st.one_of(
        st.sampled_from(NASTY),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
        st.integers().map(str),
        st.dates().map(lambda d: d.isoformat()),
    )
    return st.one_of(scalar, st.lists(scalar, min_size=2, max_size=3))


NASTY_VALUES = _nasty_values()


def _encode(pairs: list[tuple[str, str]]) -> str:
    """URL-encode as a browser would, lone surrogates included (as invalid UTF-8)."""
    raw = [(k, v.encode("utf-8", "surrogatepass")) for k, v in pairs]
    return urlencode(raw)


def _pairs(data: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for name, value in data.items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((name, str(one)))
    return pairs


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → current values
    kinds: dict[str, str] = field(default_factory=dict)  # name → input type


class _FormParser(HTMLParser):
    """The forms of a page: action, method, and each field's name, type and values."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url, self.forms, self.current = page_url, [], None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page_url, unescape(a.get("action") or self.page_url))
            self.current = Form(action, (a.get("method") or "get").lower())
            self.forms.append(self.current)
        elif self.current is not None and a.get("name"):
            self._field(tag, a)
        elif tag == "option" and self.current is not None and self.select:
            values = self.current.fields[self.select]
            if not values or "selected" in a:
                values[:] = [a.get("value", "")]

    def _field(self, tag: str, a: dict[str, str]) -> None:
        name, kind = a["name"], a.get("type", tag).lower()
        values = self.current.fields.setdefault(name, [])
        self.current.kinds.setdefault(name, kind)
        if tag == "select":
            self.select = name
        elif tag == "textarea":
            self.textarea = name
            values.append("")
        elif kind in {"checkbox", "radio"}:
            if "checked" in a or not values:
                values[:] = [a.get("value", "on")]
        elif (tag == "input" and kind not in NO_VALUE) or (tag == "button" and not values):
            values.append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self.current is not None and self.textarea:
            self.current.fields[self.textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def _forms(url: str, html: str) -> list[Form]:
    parser = _FormParser(url)
    parser.feed(html)
    return [f for f in parser.forms if urlsplit(f.action).path not in SKIPPED_ACTIONS]


def _http(role: str, cast: SimpleNamespace) -> HttpClient:
    http = http_for(role, cast)
    # The walk checks input handling, not CSRF (tests/core covers that): no token round trip.
    http.handler.enforce_csrf_checks = False
    return http


def _shown_errors_missing(response: Any) -> list[str]:
    """Errors a re-rendered form holds that its page does not show."""
    html = response.content.decode()
    missing = []
    for form in _context_forms(response):
        for name, errors in form.errors.items():
            missing += [f"{name}: {e}" for e in errors if escape(str(e)) not in html]
    return missing


def _context_forms(response: Any) -> Iterator[forms.BaseForm]:
    seen: set[int] = set()
    contexts = response.context
    for context in contexts if isinstance(contexts, list) else [contexts] if contexts else []:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm) and id(value) not in seen:
                seen.add(id(value))
                yield value


def _check(http: HttpClient, method: str, url: str, pairs: list[tuple[str, str]]) -> Any:
    """One request; no 5xx, and every refusal explains itself."""
    what = f"{method.upper()} {urlsplit(url).path} {[k for k, _v in pairs]}"
    if method == "post":  # answered as the confirmation dialog does, so the view itself runs
        pairs = [*pairs, ("_confirmed", "1")]
    body = _encode(pairs)
    try:
        if method == "post":
            response = http.post(url, body, content_type="application/x-www-form-urlencoded")
        else:
            response = http.get(f"{url}{'&' if '?' in url else '?'}{body}" if body else url)
    except Exception as exc:  # a 500: the test client re-raises the view's exception
        raise AssertionError(f"{what} raised {exc!r}") from exc
    status = response.status_code
    assert status < 500, (what, status)
    if 400 <= status < 500 and status != 405:
        assert response.content.strip(), (what, status, "a refusal without a message")
    # A form whose answer is a file (a record's zip, a PDF) re-renders no form.
    is_page = response.get("Content-Type", "").startswith("text/html")
    if status == 200 and method == "post" and is_page:
        missing = _shown_errors_missing(response)
        # Sign-in shows one deliberate summary (no hint which half was wrong).
        summarised = 'class="error-summary"' in response.content.decode()
        assert not missing or summarised, (what, missing)
    return response


def _run(
    examples: int, strategy: st.SearchStrategy, send: Callable[[Any], None], *explicit: Any
) -> None:
    @settings(max_examples=examples, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def fuzz(value: Any) -> None:
        send(value)

    for value in explicit:
        fuzz = example(value)(fuzz)
    fuzz()


def _walk(http: HttpClient, urls: list[str]) -> tuple[list[str], dict[tuple[str, str], Form]]:
    """The pages this role can open, and the forms on them (one per action)."""
    pages, found = [], {}
    for url in urls:
        response = _check(http, "get", url, [])
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages.append(url)
        for form in _forms(url, response.content.decode()):
            found.setdefault((form.method, form.action), form)
    return pages, found


def _fuzz_form(http: HttpClient, form: Form) -> None:
    base = {name: values[0] if len(values) == 1 else values for name, values in form.fields.items()}
    fuzzed = st.fixed_dictionaries(
        {name: st.one_of(st.just(value), NASTY_VALUES) for name, value in base.items()}
    )
    _run(
        EXAMPLES_PER_FORM, fuzzed, lambda data: _check(http, form.method, form.action, _pairs(data))
    )
    _check_far_dates(http, form, base)


def _check_far_dates(http: HttpClient, form: Form, base: dict[str, Any]) -> None:
    """Every date input refuses a far date with the range message (or the page refuses)."""
    for name, kind in form.kinds.items():
        if kind not in {"date", "datetime-local"} or form.method != "post":
            continue
        far = "9999-12-31" if kind == "date" else "9999-12-31T10:00"
        response = _check(http, "post", form.action, _pairs(base | {name: far}))
        if response.status_code in {200, 400}:
            assert RANGE_MESSAGE in response.content.decode(), (form.action, name)


def _fuzz_query(http: HttpClient, url: str, names: set[str]) -> None:
    params = st.dictionaries(st.sampled_from(sorted(names)), NASTY_VALUES, min_size=1)
    # Always tried: both ends of Python's dates in every parameter, and in the
    # numeric ones a digit int() refuses and a number no database column holds.
    # Parameters that pick an object stay unset there, so no 404 hides the rest.
    plain = names - SELECTORS
    far_future = dict.fromkeys(plain, "9999-12-31")
    far_past = {n: ("²" if n in NUMERIC else "0001-01-01") for n in plain}
    huge = dict.fromkeys(names & NUMERIC, "9" * 40)
    _run(
        EXAMPLES_PER_PAGE,
        params,
        lambda data: _check(http, "get", url, _pairs(data)),
        far_future,
        far_past,
        *([huge] if huge else []),
    )


def _urls(cast: SimpleNamespace) -> list[str]:
    """Every row's URL; a row whose objects clash with an earlier row's (a second
    contract for the one episode) keeps the earlier objects, so is left out."""
    urls = []
    for name, row in sorted(EXPECTED.items()):
        try:
            with transaction.atomic():
                urls.append(reverse(name, kwargs=row.kwargs(cast)))
        except Exception:  # noqa: S112
            continue
    assert len(urls) > 0.9 * len(EXPECTED)
    return urls


def _public_links(cast: SimpleNamespace) -> list[str]:
    """A live questionnaire link: its form is the largest a stranger can post to."""
    from tests.measures.admin_helpers import schedule_invitation, send_and_read_token

    schedule_invitation(cast.client, cast.episode)
    return [reverse("questionnaires:form", args=[send_and_read_token()])]


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_fuzzed_forms_and_queries_without_a_server_error(
    role: str, cast: SimpleNamespace
) -> None:
    # The live link first: other rows' objects queue e-mails of their own.
    links = _public_links(cast) if role == "anon" else []
    urls = _urls(cast) + links
    http = _http(role, cast)
    pages, found = _walk(http, urls)
    assert pages, role
    query_names = {name: set(QUERY_PARAMS) for name in pages}
    for (method, action), form in found.items():
        if method == "get":
            query_names.setdefault(action, set(QUERY_PARAMS)).update(form.fields)
        else:
            _fuzz_form(http, form)
    for url, names in query_names.items():
        _fuzz_query(http, url, names)


TOKEN_NAMES = ["questionnaires:form", "scheduling:feed", "scheduling:reminder_reply"]


@pytest.mark.parametrize("name", [*TOKEN_NAMES, "core:set_password", "intake:page"])
def test_it_answers_fuzzed_path_tokens_without_a_server_error(
    name: str, cast: SimpleNamespace
) -> None:
    kwargs = EXPECTED[name].kwargs(cast)
    key = next(k for k, v in kwargs.items() if isinstance(v, str))
    url = reverse(name, kwargs=kwargs)
    http = _http("anon", cast)
    tokens = st.sampled_from([v for v in NASTY if v and "/" not in v]) | st.text(min_size=1)

    def send(token: str) -> None:
        encoded = quote(token.encode("utf-8", "surrogatepass"), safe="")
        _check(http, "get", url.replace(quote(kwargs[key]), encoded, 1), [])

    _run(6, tokens, send)
