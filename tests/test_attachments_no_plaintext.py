"""No plaintext of an attached file on disk: canary bytes from an attached image and an
attached file never appear under the vault folder, the HOME or the TMPDIR, while the vault is
open (its -wal and -shm included) and after it is locked. The files are attached through the
facade and through the command line, listed, thumbnailed and read back; the control at the
end shows the scan finds the canaries in the files they came from."""

from __future__ import annotations

import io
import os
from pathlib import Path

from companion.app import CompanionApp
from companion.models import EntryDraft
from tests.conftest import PASSPHRASE
from tests.support.canary_scan import files_under, scan

TEXT_CANARY = "wombatcarillon quixoticmarzipan"
IMAGE_CANARY = "heliotropeaxolotl"


def canary_photo(binary: bytes) -> bytes:
    """A JPEG whose EXIF carries the image canary and random bytes, and whose pixels are
    noise (so its compressed data is as distinctive as any photo's)."""
    from PIL import Image

    image = Image.frombytes("RGB", (96, 64), os.urandom(96 * 64 * 3))
    exif = Image.Exif()
    exif[0x010E] = f"{IMAGE_CANARY} {binary.hex()}"  # ImageDescription
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 33.5)}
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95, exif=exif.tobytes())
    return out.getvalue()


def raw_findings(roots: list[Path], patterns: list[bytes]) -> list[str]:
    found = []
    for root in roots:
        for path in files_under(root):
            data = path.read_bytes()
            found += [f"{path}: {pattern[:12].hex()}…" for pattern in patterns
                      if pattern in data]
    return found


def test_attached_bytes_never_reach_disk(tmp_path: Path, private_home: Path, clock,  # type: ignore[no-untyped-def]
                                         cli, vault_home: Path) -> None:
    outside = tmp_path / "outside"  # where the person's own files are: not scanned
    outside.mkdir()
    binary = os.urandom(48)
    document = (f"%PDF-1.4\n% {TEXT_CANARY}\n".encode() + binary + os.urandom(8192)
                + b"\n%%EOF\n")
    photo = canary_photo(binary)
    pixels_sample = photo[len(photo) // 2:len(photo) // 2 + 64]  # from the compressed pixels
    (outside / "letter.pdf").write_bytes(document)
    (outside / "photo.jpg").write_bytes(photo)
    roots = [private_home, Path(os.environ["HOME"]), Path(os.environ["TMPDIR"])]
    patterns = [binary, document[-4096:-2048], pixels_sample]

    def assert_clean(stage: str) -> None:
        findings = [str(f) for root in roots for f in scan(root, [TEXT_CANARY, IMAGE_CANARY])[0]]
        findings += raw_findings(roots, patterns)
        assert not findings, f"plaintext on disk {stage}:\n" + "\n".join(findings)

    # Through the command line (in this process), then through the facade.
    assert cli("add", "Letters", "--attach", str(outside / "letter.pdf"),
               "--attach", str(outside / "photo.jpg")).code == 0
    assert cli("attachments", "e1").code == 0
    app = CompanionApp(vault_home, clock=clock)
    app.unlock(PASSPHRASE)
    entry = app.add_entry(EntryDraft(title="Kept", body="with its location"))
    app.attach(entry.id, [app.prepare_attachment(outside / "photo.jpg", keep_location=True),
                          app.prepare_attachment(outside / "letter.pdf")])
    assert app.attachment_thumbnail(entry.id, 1) is not None
    assert app.attachment_bytes(entry.id, 2) == document
    assert app.attachment_bytes(1, 1) == document
    assert_clean("while the vault is open")
    assert (private_home / "vault.db").exists()
    app.lock()
    app.close()
    assert_clean("after locking")
    # The control: the same scan finds the canaries where they really are.
    assert scan(outside, [TEXT_CANARY, IMAGE_CANARY])[0]
    assert raw_findings([outside], patterns)
