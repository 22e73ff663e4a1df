from companion.models import EntryDraft


def test_app_fixture_gives_an_unlocked_vault(app):
    entry = app.add_entry(EntryDraft(title="hello"))
    assert app.journal.get(entry.id).title == "hello"


def test_cli_fixture_round_trip(vault_home, cli):
    added = cli("add", "Title line\nbody")
    assert added.code == 0, added.err
    shown = cli("show", added.out.strip())
    assert "Title line" in shown.out
