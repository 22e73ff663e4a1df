"""Crisis resources without Qt: which country comes first, how numbers are dialled, which
addresses may be opened, and a person's own list read as hostile input (bounded in size,
depth and length; never more than the four safe kinds of address)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion import crisis
from companion.crisis import (
    MAX_FILE_BYTES,
    SOMEWHERE_ELSE,
    CrisisListError,
    Line,
    chosen_country,
    country_code,
    dial_string,
    emergency_actions,
    format_resources,
    international_lines,
    line_actions,
    load_crisis_resources,
    openable_url,
    parse_user_text,
    split_numbers,
    user_file,
)
from companion.errors import InvalidInput
from companion.preferences import FILE_NAME, Preferences, load_preferences


def mine(**extra: object) -> dict[str, object]:
    return {"format": 1, "international": [{"name": "My sister Ana", "phone": "555 0100"}],
            **extra}


# -- which country first ---------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "code"), [
    ("GB", "GB"), ("gb", "GB"), (" us ", "US"), ("UK", "GB"), ("", ""), ("419", ""),
    ("001", ""), ("GBR", ""), ("G1", ""), ("é", ""),
])
def test_country_codes_are_iso_alpha_2_or_nothing(raw, code):
    assert country_code(raw) == code


def test_the_remembered_country_wins_then_the_locale_then_none(tmp_path):
    resources = load_crisis_resources(tmp_path)
    assert chosen_country(resources, "DE", "GB") == "DE"
    assert chosen_country(resources, "", "GB") == "GB"
    assert chosen_country(resources, SOMEWHERE_ELSE, "GB") == SOMEWHERE_ELSE
    # A remembered country the list no longer has gives way to the locale's.
    assert chosen_country(resources, "KE", "US") == "US"
    assert chosen_country(resources, "", "KE") == "KE"  # not listed: the screen says so
    assert chosen_country(resources, "", "") == ""


def test_the_general_emergency_advice_gives_way_to_the_countrys_own_number(tmp_path):
    resources = load_crisis_resources(tmp_path)
    everywhere = [line.name for line in resources.international]
    assert "Your local emergency number" in everywhere
    uk = resources.country("GB")
    assert [line.name for line in international_lines(resources, uk)] == ["Find A Helpline"]
    assert international_lines(resources, None) == resources.international


def test_the_text_screen_can_put_a_country_first(tmp_path):
    resources = load_crisis_resources(tmp_path)
    text = format_resources(resources, country="GB")
    assert text.index("United Kingdom (emergency: 999)") < text.index("Find A Helpline") \
        < text.index("United States")
    assert format_resources(resources) == format_resources(resources, country="XX")


# -- the shipped list ----------------------------------------------------------------------------


def _shipped_numbers(resources: crisis.CrisisResources) -> list[tuple[str, crisis.Action]]:
    """Every call and text the shipped list offers, with whose it is."""
    found = [(line.name, action) for line in resources.international
             for action in line_actions(line)]
    for country in resources.countries:
        found += [(f"{country.name} emergency", a) for a in emergency_actions(country)]
        found += [(line.name, a) for line in country.lines for a in line_actions(line)]
    return [(whose, a) for whose, a in found if a.kind in ("call", "text")]


def test_every_shipped_country_has_a_code_an_emergency_number_and_a_line(tmp_path):
    resources = load_crisis_resources(tmp_path)
    assert resources.source == "shipped" and resources.problem == ""
    raw_codes = [c["code"] for c in json.loads(crisis.shipped_text())["countries"]]
    assert len(raw_codes) == len(set(raw_codes)), "a country listed twice hides the second"
    assert [c.code for c in resources.countries] == raw_codes  # as written: no aliases
    for country in resources.countries:
        assert country_code(country.code) == country.code != SOMEWHERE_ELSE, country.name
        assert emergency_actions(country), f"{country.name} has no emergency number"
        assert country.lines, f"{country.name} has no support line"
        for line in country.lines:
            assert line.phone or line.text, f"{line.name} ({country.name}) has no number"


def test_every_shipped_number_is_dialled_as_the_digits_it_shows(tmp_path):
    numbers = _shipped_numbers(load_crisis_resources(tmp_path))
    assert len(numbers) > 27
    for whose, action in numbers:
        dialled = action.target.split(":", 1)[1]
        assert action.target.startswith(("tel:", "sms:")), (whose, action)
        # Each number in a field ("113 or 0800 0113") is its own call, and what is dialled
        # is exactly the digits shown: no digit dropped, none taken from a neighbour.
        assert dialled == dial_string(action.shown) == \
            "".join(c for c in action.shown if c.isdigit()), (whose, action)
        assert 3 <= len(dialled) <= 15, (whose, action)  # E.164 allows at most 15 digits


def test_every_shipped_address_is_https_and_opens_as_written(tmp_path):
    resources = load_crisis_resources(tmp_path)
    lines = [*resources.international, *(line for country in resources.countries
                                          for line in country.lines)]
    addresses = [line.url for line in lines if line.url]
    assert len(addresses) > 20
    for url in addresses:
        assert url.startswith("https://") and openable_url(url) == url, url
    for line in lines:
        assert [a.kind for a in line_actions(line)].count("link") == 0, line.name


# -- numbers and addresses -----------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "dialled"), [
    ("116 123", "116123"), ("13 11 14", "131114"), ("+44 (0)20 7946-0000", "+4402079460000"),
    ("0800 111 0 111", "08001110111"), ("Text HOME to 85258", "85258"), ("+", ""),
    ("1+1", "11"), ("٣٣٣", ""),  # other scripts' digits are not dialled
])
def test_numbers_are_dialled_with_digits_and_a_leading_plus_only(typed, dialled):
    assert dial_string(typed) == dialled


def test_a_field_with_two_numbers_gives_two_calls():
    assert split_numbers("113 or 0800 0113") == ["113", "0800 0113"]
    assert split_numbers("112 OR 999") == ["112", "999"]
    assert split_numbers("1, 2; 3 / 4, 5, 6") == ["1", "2", "3", "4"]  # at most four
    line = Line("113", phone="113 or 0800 0113", text="988")
    assert [(a.kind, a.shown, a.target) for a in line_actions(line)] == [
        ("call", "113", "tel:113"), ("call", "0800 0113", "tel:08000113"),
        ("text", "988", "sms:988")]


@pytest.mark.parametrize(("url", "kind", "target"), [
    ("https://www.samaritans.org", "web", "https://www.samaritans.org"),
    ("mailto:jo@samaritans.org", "email", "mailto:jo@samaritans.org"),
    ("tel:+1 (800) 273-8255", "call", "tel:+18002738255"),  # dialled as digits
    ("tel:+18002738255", "call", "tel:+18002738255"),
    ("sms:741741?body=HOME", "text", "sms:741741"),
    ("javascript:alert(1)", "link", ""),
    ("file:///etc/passwd", "link", ""),
    ("http://example.org", "link", ""),  # no TLS: shown, not opened
    ("https://user:pw@example.org", "link", ""),
    ("https://", "link", ""),
    ("data:text/html,<b>hi</b>", "link", ""),
    ("HTTPS://EXAMPLE.ORG", "web", "HTTPS://EXAMPLE.ORG"),
    ("https://exa\u202emple.org", "link", ""),  # a bidi override would disguise the host
    ("mailto:not-an-address", "link", ""),
])
def test_only_safe_addresses_may_be_opened(url, kind, target):
    actions = line_actions(Line("A line", url=url))
    assert [(a.kind, a.shown, a.target) for a in actions] == [(kind, url, target)]


@given(st.text(max_size=80))
def test_no_address_outside_the_four_kinds_is_ever_openable(url):
    target = openable_url(url)
    assert target == "" or target.split(":", 1)[0].lower() in ("tel", "sms", "https", "mailto")
    assert not any(c.isspace() for c in target)
    if target.startswith(("tel:", "sms:")):
        assert dial_string(target[4:]) == target[4:]


@given(st.text(max_size=60))
def test_a_dial_string_is_digits_with_at_most_a_leading_plus(typed):
    number = dial_string(typed)
    assert number.lstrip("+").isdigit() or number == ""
    assert "+" not in number[1:]


# -- a person's own list, read as hostile -------------------------------------------------------


def test_a_list_larger_than_256_kib_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    padding = "x" * (MAX_FILE_BYTES + 10)
    user_file(tmp_path).write_text(json.dumps(mine(intro=padding)), "utf-8")
    parsed: list[str] = []
    real = crisis.json.loads
    monkeypatch.setattr(crisis.json, "loads", lambda text: (parsed.append(text), real(text))[1])
    resources = load_crisis_resources(tmp_path)
    assert resources.source == "shipped" and resources.country("GB") is not None
    assert "larger than 256 KiB" in resources.problem
    assert str(user_file(tmp_path)) in resources.problem
    assert all(padding not in text for text in parsed)  # only the shipped list was parsed


def test_a_deeply_nested_list_is_refused_with_a_reason(tmp_path):
    user_file(tmp_path).write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    resources = load_crisis_resources(tmp_path)
    assert resources.source == "shipped"
    assert "nested too deeply" in resources.problem


@pytest.mark.parametrize(("raw", "reason"), [
    (mine(international=[{"name": "x" * 400}]), "longer than 300 characters"),
    (mine(international=[{"name": "Ana", "phone": "555\u202e0100"}]), "control characters"),
    (mine(international=[{"name": f"Line {i}"} for i in range(51)]),
     "more than 50 international lines"),
    (mine(countries=[{"code": "Scotland", "name": "Scotland"}]), "two letters"),
    (mine(countries=[{"code": "GB", "name": "UK", "lines": "call"}]), "must be a list"),
    (mine(international=[{"phone": "1"}]), "name"),
    ({"format": 2}, "format 1"),
    ({"format": 1}, "no support lines"),
])
def test_a_list_that_cannot_be_used_says_why(raw, reason):
    with pytest.raises(CrisisListError, match=reason):
        parse_user_text(json.dumps(raw), source="edited")


def test_a_country_listed_twice_keeps_its_first_entry():
    text = json.dumps(mine(countries=[
        {"code": "gb", "name": "First", "emergency": "999"},
        {"code": "GB", "name": "Second", "emergency": "112"}]))
    resources = parse_user_text(text, source="edited")
    assert [c.name for c in resources.countries] == ["First"]
    assert resources.country("uk") is resources.countries[0]


@given(st.text(max_size=300))
def test_any_text_is_a_list_or_a_reason(text):
    try:
        resources = parse_user_text(text, source="edited")
    except CrisisListError as exc:
        assert str(exc)
    else:
        assert resources.international or resources.countries


def test_text_that_is_not_utf8_is_a_reason_not_a_crash(tmp_path):
    user_file(tmp_path).write_bytes(b'{"format": 1, "intro": "\xff"}')
    assert "not UTF-8" in load_crisis_resources(tmp_path).problem


# -- the remembered country is a setting -------------------------------------------------------


@pytest.mark.parametrize("code", ["", "GB", "US", SOMEWHERE_ELSE])
def test_a_country_code_is_a_valid_preference(code):
    assert replace(Preferences(), crisis_country=code).validated().crisis_country == code


@pytest.mark.parametrize("code", ["gb", "GBR", "G", "12", "G B", 44, None, "GB\n"])
def test_anything_else_is_refused_and_ignored_on_load(tmp_path, code):
    with pytest.raises(InvalidInput, match="crisis_country"):
        replace(Preferences(), crisis_country=code).validated()
    (tmp_path / FILE_NAME).write_text(json.dumps({"crisis_country": code, "theme": "dark"}))
    loaded = load_preferences(tmp_path)
    assert loaded.crisis_country == "" and loaded.theme == "dark"


def test_letters_in_a_number_are_the_keypads_and_words_around_one_dial_nothing():
    """Dropping letters dialled another number: '1-800-SUICIDE' called 1800."""
    from companion.crisis import dial_string

    assert dial_string("1-800-SUICIDE") == "18007842433"
    assert dial_string("1-800-273-TALK") == "18002738255"
    assert dial_string("Text HOME to 741741") == "741741"  # words around it: its number
    assert dial_string("+44 (0)116 123") == "+440116123"
