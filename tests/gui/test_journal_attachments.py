"""Attachments in the journal's editor (issue 20, item 1), with the real task runner: attach by
the button, a drop, a paste; a new entry keeps its files in memory until it is saved; errors
named in plain words with nothing attached; keep a photo's location; remove (asked), open and
save a copy; the keyboard; twenty photos open from their thumbnails alone; the preview shows
the photos; and no attached byte reaches the disk through any of it."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QImage, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from companion.attachments import AttachmentLimits, Attachments
from tests.gui.journal_helpers import (  # noqa: F401 - the page fixtures
    journal_pages_fixture,
    make_page_fixture,
    sql_fixture,
    wait_for_tasks_fixture,
)
from tests.support.canary_scan import files_under, scan
from tests.test_attachments_no_plaintext import IMAGE_CANARY, TEXT_CANARY, canary_photo

CTRL = Qt.KeyboardModifier.ControlModifier


def photo(size: tuple[int, int] = (640, 480), *, gps: bool = False,
          colour: tuple[int, int, int] = (40, 120, 200)) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (52.0, 22.0, 33.5), 3: "E", 4: (4.0, 53.0, 2.0)}
        image.save(out, format="JPEG", exif=exif.tobytes())
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def pdf() -> bytes:
    return b"%PDF-1.4\n% a letter\n" + os.urandom(3000) + b"\n%%EOF\n"


def huge_png() -> bytes:
    """A PNG header claiming 20,000 × 20,000 pixels (a decompression bomb's)."""
    header = struct.pack(">IIBBBBB", 20_000, 20_000, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)) + b"\x00" * 64)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """The person's own files, outside the vault."""
    folder = tmp_path / "pictures"
    folder.mkdir()
    made = {"beach.jpg": photo(gps=True), "letter.pdf": pdf(),
            "dog.jpg": photo(colour=(200, 90, 20)),
            "fake.jpg": b"just some words, not a photo at all\n" * 10, "huge.png": huge_png()}
    paths = {}
    for name, data in made.items():
        (folder / name).write_bytes(data)
        paths[name] = folder / name
    return paths


def choose(monkeypatch, paths):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(p) for p in paths], "")))


def open_entry(page, entry_id, wait):  # type: ignore[no-untyped-def]
    page.open_entry(entry_id)
    wait()
    assert page.editor.entry is not None and page.editor.entry.id == entry_id


def spoken(page) -> list[str]:  # type: ignore[no-untyped-def]
    strip = page.editor.attachments
    return [strip.item(row).data(Qt.ItemDataRole.AccessibleTextRole)
            for row in range(strip.count())]


def stored(ctx, sql, entry_id):  # type: ignore[no-untyped-def]
    with sql.paused():
        return ctx.app.attachments(entry_id)


def test_attach_by_the_button_shows_a_thumbnail_and_a_file(qtbot, ctx, make_page,
                                                           wait_for_tasks, sql, files,
                                                           monkeypatch):
    page, ids = make_page()
    open_entry(page, ids["herons"], wait_for_tasks)
    strip = page.editor.attachments
    assert not strip.isVisible()  # nothing attached: no empty strip
    choose(monkeypatch, [files["beach.jpg"], files["letter.pdf"]])
    qtbot.mouseClick(page.editor.attach_button, Qt.MouseButton.LeftButton)
    wait_for_tasks()
    assert [a.name for a in stored(ctx, sql, ids["herons"])] == ["beach.jpg", "letter.pdf"]
    assert strip.isVisible() and strip.count() == 2
    names = spoken(page)
    assert names[0].startswith("Photo: beach.jpg, ") and names[0].endswith(" KB")
    assert names[1].startswith("PDF document: letter.pdf, 3")
    assert strip.shown[0].image is not None and strip.shown[0].image.width() == 256
    assert strip.shown[1].image is None
    # The location was removed, and the person is told so, with the offer to keep it.
    assert "location it was taken at was removed" in page.messages.text.text()
    assert page.messages.action.isVisible() and page.messages.action.text() == "Keep location"
    assert sql.on_workers and sql.on_gui_thread == []


def test_keep_location_attaches_the_photo_again_as_it_was(qtbot, ctx, make_page,
                                                          wait_for_tasks, sql, files,
                                                          monkeypatch):
    page, ids = make_page()
    open_entry(page, ids["herons"], wait_for_tasks)
    page.editor.files_given.emit([files["letter.pdf"], files["beach.jpg"]])
    wait_for_tasks()
    with sql.paused():
        assert ctx.app.attachment_bytes(ids["herons"], 2) != files["beach.jpg"].read_bytes()
    qtbot.mouseClick(page.messages.action, Qt.MouseButton.LeftButton)
    wait_for_tasks()
    kept = stored(ctx, sql, ids["herons"])
    assert [a.name for a in kept] == ["letter.pdf", "beach.jpg"]  # one of it, not two
    with sql.paused():
        assert ctx.app.attachment_bytes(ids["herons"], 2) == files["beach.jpg"].read_bytes()
    assert "location was kept" in page.messages.text.text()
    assert page.editor.attachments.count() == 2
    assert sql.on_gui_thread == []


def test_a_new_entry_keeps_its_files_in_memory_until_it_is_saved(qtbot, ctx, make_page,
                                                                 wait_for_tasks, sql, files):
    page, _ = make_page(sample=False)
    page.editing.new_entry()
    editor = page.editor
    dropped = QMimeData()
    dropped.setUrls([QUrl.fromLocalFile(str(files["dog.jpg"])),
                     QUrl.fromLocalFile(str(files["letter.pdf"]))])
    assert editor.body.canInsertFromMimeData(dropped)
    editor.body.insertFromMimeData(dropped)  # what a drop (and a paste of files) does
    wait_for_tasks()
    assert editor.body.toPlainText() == ""  # not the files' paths as text
    assert editor.attachments.count() == 2 and editor.dirty
    assert all("not saved yet" in name for name in spoken(page))
    with sql.paused():
        assert ctx.app.entry_index() == []  # nothing saved yet
    assert editor.is_blank() is False  # the files alone make it worth saving
    qtbot.keyClicks(editor.title, "The dog at the beach")
    qtbot.keyClick(editor.title, Qt.Key.Key_S, CTRL)
    wait_for_tasks()
    assert editor.entry is not None and not editor.dirty
    assert [a.name for a in stored(ctx, sql, editor.entry.id)] == ["dog.jpg", "letter.pdf"]
    assert editor.attachments.count() == 2
    assert not any("not saved yet" in name for name in spoken(page))
    assert page.attaching.pending == []
    assert sql.on_gui_thread == []


def test_files_alone_make_a_new_entry_that_autosave_keeps(qtbot, ctx, make_page,
                                                          wait_for_tasks, sql, files):
    page, ids = make_page()
    page.editing.new_entry()
    page.editor.files_given.emit([files["dog.jpg"]])
    wait_for_tasks()
    page.open_entry(ids["tea"])  # moving on saves what the new entry held
    wait_for_tasks()
    assert "needs a title" not in page.messages.text.text()
    with sql.paused():
        new = [entry_id for entry_id, _ in ctx.app.entry_index() if entry_id not in ids.values()]
        assert [[a.name for a in ctx.app.attachments(entry_id)] for entry_id in new] == [
            ["dog.jpg"]]


def test_a_pasted_image_is_attached_as_a_png(qtbot, ctx, make_page, wait_for_tasks, sql):
    page, ids = make_page()
    open_entry(page, ids["tea"], wait_for_tasks)
    image = QImage(300, 200, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkGreen)
    QApplication.clipboard().setImage(image)
    page.editor.body.setFocus()
    qtbot.keyClick(page.editor.body, Qt.Key.Key_V, CTRL)
    wait_for_tasks()
    kept = stored(ctx, sql, ids["tea"])
    assert len(kept) == 1 and kept[0].media_type == "image/png"
    assert kept[0].name.startswith("Pasted image ") and kept[0].name.endswith(".png")
    assert (kept[0].width, kept[0].height) == (300, 200)
    assert page.editor.body.toPlainText() == "We laughed about Porto."
    assert page.editor.attachments.count() == 1
    # Copied words (with a picture of them beside) paste as words.
    both = QMimeData()
    both.setText(" More.")
    both.setImageData(image)
    QApplication.clipboard().setMimeData(both)
    page.editor.body.moveCursor(page.editor.body.textCursor().MoveOperation.End)
    qtbot.keyClick(page.editor.body, Qt.Key.Key_V, CTRL)
    wait_for_tasks()
    assert page.editor.body.toPlainText() == "We laughed about Porto. More."
    assert len(stored(ctx, sql, ids["tea"])) == 1
    QApplication.clipboard().clear()
    assert sql.on_gui_thread == []


@pytest.mark.parametrize(("name", "said"), [
    ("huge.png", "'huge.png' is too large an image (20,000 × 20,000 pixels)"),
    ("missing.jpg", "'missing.jpg' is not there"),
    ("big.pdf", "'big.pdf' is 3"),
])
def test_errors_name_the_file_and_nothing_is_attached(qtbot, ctx, make_page, wait_for_tasks,
                                                      sql, files, name, said):
    ctx.app.attachment_limits = AttachmentLimits(max_file_bytes=2_000)
    page, ids = make_page()
    open_entry(page, ids["herons"], wait_for_tasks)
    target = files["letter.pdf"].with_name(name) if name != "huge.png" else files[name]
    if name == "big.pdf":
        target.write_bytes(pdf())
    # With a good file in the same batch: the batch is refused whole.
    page.editor.files_given.emit([files["dog.jpg"], target])
    wait_for_tasks()
    message = page.messages.text.text()
    assert said in message and "Nothing was attached" in message, message
    assert page.messages.property("error") is True
    assert stored(ctx, sql, ids["herons"]) == []
    assert page.editor.attachments.count() == 0


def test_a_file_that_is_not_what_its_name_says_is_kept_as_a_file(qtbot, ctx, make_page,
                                                                  wait_for_tasks, sql, files):
    page, ids = make_page()
    open_entry(page, ids["herons"], wait_for_tasks)
    page.editor.files_given.emit([files["fake.jpg"]])
    wait_for_tasks()
    assert "'fake.jpg' is not a JPEG image" in page.messages.text.text()
    assert spoken(page) == ["File: fake.jpg, 360 bytes"]


def test_the_strip_by_keyboard_remove_asks_open_and_save_a_copy(qtbot, ctx, make_page,
                                                               wait_for_tasks, sql, files,
                                                               tmp_path, monkeypatch):
    page, ids = make_page()
    with sql.paused():
        ctx.app.attach(ids["herons"], [ctx.app.prepare_attachment(files[n]) for n in
                                       ("beach.jpg", "letter.pdf", "dog.jpg")])
    open_entry(page, ids["herons"], wait_for_tasks)
    editor, strip = page.editor, page.editor.attachments
    assert strip.count() == 3
    editor.body.setFocus()
    qtbot.keyClick(editor.body, Qt.Key.Key_Tab)  # the text hands Tab on: to the strip
    assert strip.hasFocus()
    qtbot.keyClick(strip, Qt.Key.Key_Right)
    assert strip.current_key() == 2
    # Enter on a file that is not a photo: a copy to save, where the person chooses.
    target = tmp_path / "chosen" / "my letter.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    qtbot.keyClick(strip, Qt.Key.Key_Return)
    wait_for_tasks()
    assert target.read_bytes() == files["letter.pdf"].read_bytes()
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert "not protected by the vault" in page.messages.text.text()
    # Enter on a photo: it opens, whole, in a window of its own.
    qtbot.keyClick(strip, Qt.Key.Key_Left)
    qtbot.keyClick(strip, Qt.Key.Key_Return)
    wait_for_tasks()
    viewer = page.attaching.viewer
    assert viewer is not None and viewer.isVisible()
    qtbot.waitUntil(lambda: viewer.picture.pixmap().width() > 256)
    viewer.reject()
    # Delete asks; Cancel keeps it, Remove removes it.
    strip.setFocus()
    qtbot.keyClick(strip, Qt.Key.Key_Right)
    qtbot.keyClick(strip, Qt.Key.Key_Delete)
    box = page.attaching.asking
    assert box is not None and "letter.pdf" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()
    wait_for_tasks()
    assert len(stored(ctx, sql, ids["herons"])) == 3
    qtbot.keyClick(strip, Qt.Key.Key_Delete)
    box = page.attaching.asking
    next(b for b in box.buttons() if b.text() == "Remove").click()
    wait_for_tasks()
    assert [a.name for a in stored(ctx, sql, ids["herons"])] == ["beach.jpg", "dog.jpg"]
    assert [n.split(",")[0] for n in spoken(page)] == ["Photo: beach.jpg", "Photo: dog.jpg"]
    assert "Removed “letter.pdf”" in page.messages.text.text()
    assert sql.on_gui_thread == []


def test_an_entry_in_the_trash_takes_no_files(qtbot, ctx, make_page, wait_for_tasks, sql,
                                              files):
    page, ids = make_page()
    open_entry(page, ids["herons"], wait_for_tasks)
    from dataclasses import replace

    page.editor.load(replace(page.editor.entry, deleted=ctx.app.clock.now()))
    assert not page.editor.attach_button.isVisible()
    dropped = QMimeData()
    dropped.setUrls([QUrl.fromLocalFile(str(files["dog.jpg"]))])
    assert not page.editor.body.takes_files
    page.editor.files_given.emit([files["dog.jpg"]])  # a drop on the editor
    wait_for_tasks()
    assert stored(ctx, sql, ids["herons"]) == []


def test_twenty_photos_open_from_their_thumbnails_alone(qtbot, ctx, make_page, wait_for_tasks,
                                                        sql, monkeypatch):
    """The deterministic guard for 'an entry with 20 photos opens ≤ 200 ms': opening it
    reads the kept thumbnails, and never a photo's bytes."""
    page, ids = make_page()
    with sql.paused():
        ctx.app.attach(ids["old"], [
            ctx.app.prepare_attachment_bytes(f"photo {n}.jpg",
                                             photo((1200, 900), colour=(n * 10, 80, 160)))
            for n in range(20)])
    calls: dict[str, int] = {"read": 0, "thumbnail": 0}
    read, thumbnail = Attachments.read, Attachments.thumbnail

    def counted_read(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["read"] += 1
        return read(self, *args, **kwargs)

    def counted_thumbnail(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["thumbnail"] += 1
        return thumbnail(self, *args, **kwargs)

    monkeypatch.setattr(Attachments, "read", counted_read)
    monkeypatch.setattr(Attachments, "thumbnail", counted_thumbnail)
    open_entry(page, ids["old"], wait_for_tasks)
    assert page.editor.attachments.count() == 20
    assert all(item.image is not None for item in page.editor.attachments.shown)
    assert calls == {"read": 0, "thumbnail": 20}
    page.editor.set_preview(True)  # the preview uses the same thumbnails
    assert calls == {"read": 0, "thumbnail": 20}
    assert sql.on_gui_thread == []


def test_the_preview_shows_the_photos_below_the_text(qtbot, ctx, make_page, wait_for_tasks,
                                                     sql, files):
    page, ids = make_page()
    with sql.paused():
        ctx.app.attach(ids["untitled"], [ctx.app.prepare_attachment(files[n]) for n in
                                         ("beach.jpg", "letter.pdf", "dog.jpg")])
    open_entry(page, ids["untitled"], wait_for_tasks)
    page.editor.set_preview(True)
    document = page.editor.preview.document()
    images = []
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            look: QTextCharFormat = fragments.fragment().charFormat()
            if look.isImageFormat():
                images.append(look.toImageFormat().name())
            fragments += 1
        block = block.next()
    assert len(images) == 2  # the two photos; the PDF is in the strip
    assert document.toPlainText().startswith("Quiet evening")
    for name in images:
        resource = document.resource(QTextDocument.ResourceType.ImageResource.value,
                                     QUrl(name))
        assert isinstance(resource, QImage) and not resource.isNull()
    page.editor.set_preview(False)
    page.editor.set_preview(True)  # shown again after the preview was left
    assert document.toPlainText().count("\ufffc") == 2


def test_no_attached_byte_reaches_the_disk_through_the_app(qtbot, ctx, make_page,
                                                           wait_for_tasks, sql, tmp_path,
                                                           private_home, monkeypatch):
    """Canary bytes in a photo and a file attached through the editor (the button, a drop
    onto a new entry, a paste), thumbnailed, previewed and opened, then locked: nothing of
    them anywhere under the HOME or the TMPDIR (or the vault's folder)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    binary = os.urandom(48)
    document = (f"%PDF-1.4\n% {TEXT_CANARY}\n".encode() + binary + os.urandom(8192)
                + b"\n%%EOF\n")
    picture = canary_photo(binary)
    (outside / "letter.pdf").write_bytes(document)
    (outside / "photo.jpg").write_bytes(picture)
    pixels_sample = picture[len(picture) // 2:len(picture) // 2 + 64]
    page, ids = make_page()
    open_entry(page, ids["herons"], wait_for_tasks)
    choose(monkeypatch, [outside / "photo.jpg", outside / "letter.pdf"])
    page.editor.attach_button.click()
    wait_for_tasks()
    qtbot.mouseClick(page.messages.action, Qt.MouseButton.LeftButton)  # keep its location
    wait_for_tasks()
    page.editor.set_preview(True)
    page.attaching.open_item(next(item.key for item in page.editor.attachments.shown
                                  if item.image is not None))
    wait_for_tasks()
    page.editing.new_entry()
    page.editor.files_given.emit([outside / "photo.jpg", outside / "letter.pdf"])
    wait_for_tasks()
    pasted = QImage.fromData(picture)
    page.editor.image_pasted.emit(pasted)
    wait_for_tasks()
    qtbot.keyClicks(page.editor.title, "Canary")
    page.editing.save()
    wait_for_tasks()
    assert page.editor.attachments.count() == 3
    assert len(stored(ctx, sql, ids["herons"])) == 2
    page.teardown()
    wait_for_tasks()
    assert page.attaching.pending == [] and page.editor.attachments.count() == 0
    sql.stop()
    monkeypatch.setattr(sql, "stop", lambda: None)  # the connection is closed by the lock
    ctx.app.lock()
    roots = [private_home, Path(os.environ["HOME"]), Path(os.environ["TMPDIR"])]
    findings = [str(f) for root in roots for f in scan(root, [TEXT_CANARY, IMAGE_CANARY])[0]]
    for root in roots:
        for path in files_under(root):
            data = path.read_bytes()
            findings += [f"{path}: raw bytes" for pattern in (binary, pixels_sample,
                                                              document[-4096:-2048])
                         if pattern in data]
    assert findings == []
    assert scan(outside, [TEXT_CANARY, IMAGE_CANARY])[0]  # the control: it finds them there
