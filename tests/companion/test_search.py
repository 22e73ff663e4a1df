from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.models import CheckInDraft, EntryDraft
from companion.search import SearchFilters, build_match_query, split_snippet

ZONE = timezone(timedelta(hours=1))


@pytest.fixture
def journal(app):
    def add(title, body="", tags=(), day=1):
        return app.add_entry(EntryDraft(title=title, body=body, tags=tags,
                                        at=datetime(2026, 3, day, 12, tzinfo=ZONE)))

    entries = {
        "title": add("Lighthouse weekend", "We drove north.", ("travel",), 1),
        "body": add("Sunday", "Walked to the old lighthouse and back. " * 3, ("walk",), 5),
        "tag": add("Errands", "Groceries and laundry.", ("lighthouse",), 9),
        "other": add("Work", "Long meeting about budgets.", ("work",), 12),
    }
    return entries


def test_ranked_with_title_first_and_snippets(app, journal):
    hits = app.search("lighthouse")
    assert [h.entry.id for h in hits][0] == journal["title"].id
    assert {h.entry.id for h in hits} == {journal["title"].id, journal["body"].id,
                                          journal["tag"].id}
    body_hit = next(h for h in hits if h.entry.id == journal["body"].id)
    assert ("lighthouse", True) in body_hit.snippet
    assert "[lighthouse]" in body_hit.snippet_text()


def test_stemming_phrases_and_prefixes(app, journal):
    assert [h.entry.id for h in app.search("walking")] == [journal["body"].id]
    assert [h.entry.id for h in app.search('"old lighthouse"')] == [journal["body"].id]
    assert app.search('"lighthouse old"') == []
    assert [h.entry.id for h in app.search("budg*")] == [journal["other"].id]
    assert [h.entry.id for h in app.search("meeting budgets")] == [journal["other"].id]
    assert app.search("meeting lighthouse") == []


def test_filters_by_tag_and_dates(app, journal):
    assert [h.entry.id for h in app.search("lighthouse", filters=SearchFilters(tag="walk"))
            ] == [journal["body"].id]
    window = SearchFilters(start=datetime(2026, 3, 4, tzinfo=ZONE),
                           end=datetime(2026, 3, 10, tzinfo=ZONE))
    assert {h.entry.id for h in app.search("lighthouse", filters=window)} == {
        journal["body"].id, journal["tag"].id}
    assert app.search("lighthouse", limit=1)[0].entry.id == journal["title"].id
    assert app.search("lighthouse", limit=0) == []


def test_trash_is_not_searched_and_edits_are(app, journal):
    app.delete(journal["title"].ref)
    assert journal["title"].id not in {h.entry.id for h in app.search("lighthouse")}
    app.update_entry(journal["other"].id, body="Now about a lighthouse")
    assert journal["other"].id in {h.entry.id for h in app.search("lighthouse")}
    assert app.search("budgets") == []


@pytest.mark.parametrize("query", ["", "   ", "!!!", "* * *", '"', "()", "-", "^"])
def test_queries_with_nothing_to_search_return_nothing(app, journal, query):
    assert build_match_query(query) is None
    assert app.search(query) == []


def test_fts_syntax_typed_by_the_user_is_taken_literally():
    assert build_match_query('NEAR(a b) OR "x') == '"NEAR(a" AND "b)" AND "OR" AND "x"'
    assert build_match_query('say "hi there" now*') == '"say" AND "hi there" AND "now"*'


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_text_is_a_safe_query(app, text):
    # Must never raise: every byte a user types is data, never FTS5 syntax.
    app.search(text)


def test_snippet_pieces():
    assert split_snippet("a \x02b\x03 c") == (("a ", False), ("b", True), (" c", False))
    assert split_snippet("") == ()


def test_broad_queries_are_ranked_within_the_newest_matches(app, monkeypatch):
    import companion.search

    monkeypatch.setattr(companion.search, "RANK_WINDOW", 3)
    old_title_hit = app.add_entry(EntryDraft(title="Harbour", body="the harbour at dawn"))
    newer = [app.add_entry(EntryDraft(title=f"Day {i}", body="we walked past the harbour"))
             for i in range(4)]
    hits = app.search("harbour")
    # Only the 3 most recent matches are ranked; the older title match is outside the window.
    assert {h.entry.id for h in hits} == {e.id for e in newer[-3:]}
    # A narrower query (fewer matches than the window) ranks everything: title first.
    assert app.search("harbour dawn")[0].entry.id == old_title_hit.id
    # Filters turn the window off, so they never hide what they ask for.
    filtered = app.search("harbour", filters=SearchFilters(start=old_title_hit.created))
    assert filtered[0].entry.id == old_title_hit.id and len(filtered) == 5


def _checkin(app, note, day=2, mood=3):
    return app.add_checkin(CheckInDraft(mood=mood, note=note,
                                        at=datetime(2026, 3, day, 9, tzinfo=ZONE)))


def test_check_in_notes_are_found_edited_and_trashed(app, journal):
    """Issue 17: a word from any check-in note is found, as entries' words are."""
    walk = _checkin(app, "Long walk to the lighthouse, felt calmer", day=2)
    _checkin(app, "Tired after work", day=3)
    hits = app.search_checkins("lighthouse")
    assert [h.checkin.id for h in hits] == [walk.id]
    assert "[lighthouse]" in hits[0].snippet_text()
    assert [h.checkin.id for h in app.search_checkins("calm*")] == [walk.id]
    assert [h.checkin.id for h in app.search_checkins("walking")] == [walk.id]  # stemmed
    window = SearchFilters(start=datetime(2026, 3, 3, tzinfo=ZONE))
    assert app.search_checkins("lighthouse", filters=window) == []
    assert app.search_checkins("lighthouse", filters=SearchFilters(tag="walk")) == []
    app.update_checkin(walk.id, note="A quiet evening")
    assert app.search_checkins("lighthouse") == []
    assert [h.checkin.id for h in app.search_checkins("quiet")] == [walk.id]
    app.delete(walk.ref)
    assert app.search_checkins("quiet") == []
    app.restore(walk.ref)
    assert [h.checkin.id for h in app.search_checkins("quiet")] == [walk.id]
    assert app.search_checkins("NEAR(") == [] and app.search_checkins("quiet", limit=0) == []


def test_notes_written_before_the_index_existed_are_indexed_by_the_migration(app):
    """The step that adds the index fills it from the check-ins already in the vault."""
    _checkin(app, "written before the upgrade: heron by the canal")
    db = app.checkins.db
    with db.transaction() as cur:  # as a vault from before the index: empty, then rebuilt
        cur.execute("INSERT INTO checkins_fts (checkins_fts) VALUES ('delete-all')")
    assert app.search_checkins("heron") == []
    from companion.schema import _V2

    rebuild = [s for s in _V2.split(";") if "'rebuild'" in s][0]
    with db.transaction() as cur:
        cur.execute(rebuild)
    assert len(app.search_checkins("heron")) == 1


def test_entry_passages_show_no_markdown_and_the_match_on_its_word(app):
    """Issue 17: search passages read as text ("Lunch with Sam"), not "# Lunch with **Sam**";
    the highlight stays on the found word."""
    app.add_entry(EntryDraft(body="# Lunch with **Sam**\n\n> We talked about the _move_, "
                                  "see [the flat](https://example.org/flat).",
                             at=datetime(2026, 3, 2, 12, tzinfo=ZONE)))
    app.add_entry(EntryDraft(title="*nix tips", body="Nothing to strip here.",
                             at=datetime(2026, 3, 3, 12, tzinfo=ZONE)))
    _checkin(app, "felt *meh* about the move", day=4)
    [lunch] = app.search("sam")
    assert lunch.snippet_text() == "Lunch with [Sam]\n\nWe talked about the move, see the flat."
    assert ("Sam", True) in lunch.snippet
    [moved] = app.search("move")
    assert "[move]" in moved.snippet_text() and "_" not in moved.snippet_text()
    [flat] = app.search("flat")
    assert "[flat]" in flat.snippet_text() and "](" not in flat.snippet_text()
    [site] = app.search("example")  # found in a link's address: the address stays, readable
    assert "the flat (https://[example].org/flat)" in site.snippet_text()
    [tips] = app.search("nix")  # a title is plain text: shown as typed
    assert tips.snippet_text() == "*[nix] tips"
    [note] = app.search_checkins("meh")  # a check-in note is plain text too
    assert note.snippet_text() == "felt *[meh]* about the move"
