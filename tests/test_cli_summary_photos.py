"""`companion export summary --include-photo e12:1`: a chosen photo of an included entry goes
into the PDF; one of an entry left out is refused with what to do."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.attachment_files import photo


def test_a_chosen_photo_goes_into_the_pdf(vault_home: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    picture = tmp_path / "beach.jpg"
    picture.write_bytes(photo(size=(800, 600)))
    added = cli("add", "-", "--at", "2026-03-05T20:00+01:00", "--attach", str(picture),
                stdin="A day at the sea\n")
    assert added.code == 0, added.err
    entry = re.search(r"\be\d+\b", added.out).group(0)  # type: ignore[union-attr]
    other = cli("add", "-", "--at", "2026-03-06T20:00+01:00", "--attach", str(picture),
                stdin="Another day\n")
    other_id = re.search(r"\be\d+\b", other.out).group(0)  # type: ignore[union-attr]
    target = tmp_path / "summary.pdf"
    done = cli("export", "summary", "--from", "2026-03-01", "--to", "2026-03-31",
               "--include-entry", entry, "--include-photo", f"{entry}:1", "-o", str(target))
    assert done.code == 0, done.err
    assert "(1 journal entry, 1 photo)" in done.out
    assert target.read_bytes().count(b"/Subtype /Image") == 1
    refused = cli("export", "summary", "--from", "2026-03-01", "--to", "2026-03-31",
                  "--include-entry", entry, "--include-photo", f"{other_id}:1", "-o",
                  str(tmp_path / "no.pdf"))
    assert refused.code != 0 and "does not include" in refused.err
    assert f"--include-entry {other_id}" in refused.err
    assert not (tmp_path / "no.pdf").exists()
