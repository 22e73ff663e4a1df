"""Render the app icon (assets/icons/companion.svg) into every file the installers want.

`python3 packaging/make_icons.py` writes, from the one SVG:
- packaging/linux/icons/hicolor/<N>x<N>/apps/<app id>.png for the freedesktop sizes, and the SVG
  itself as hicolor/scalable (desktop entries, AppStream, Flatpak);
- packaging/icons/companion.ico (Windows: PNG-compressed entries, 16…256 px);
- packaging/icons/companion.icns (macOS: PNG entries, 16…1024 px).
The outputs are committed, so a build needs no Qt at packaging time; run this again after
changing the SVG. Rendering uses Qt's SVG renderer on the offscreen platform.
"""

from __future__ import annotations

import os
import shutil
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import appinfo  # noqa: E402

SVG = appinfo.ROOT / "assets" / "icons" / "companion.svg"
HICOLOR = appinfo.LINUX_DIR / "icons" / "hicolor"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data, by pixel size (512@2x is the 1024 px one).
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
              (b"ic09", 512), (b"ic10", 1024))


def render_png(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: cannot read {SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_file(pngs: dict[int, bytes]) -> bytes:
    """An ICO whose entries are PNGs (Windows Vista and later read them at every size)."""
    sizes = [size for size in ICO_SIZES if size in pngs]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    directory, blobs = b"", b""
    for size in sizes:
        png = pngs[size]
        edge = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        directory += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + directory + blobs


def icns_file(pngs: dict[int, bytes]) -> bytes:
    elements = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
                        for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(elements)) + elements


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(["make_icons"])
    wanted = sorted({*appinfo.ICON_SIZES, *ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    pngs = {size: render_png(size) for size in wanted}
    for size in appinfo.ICON_SIZES:
        target = HICOLOR / f"{size}x{size}" / "apps" / f"{appinfo.APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pngs[size])
    scalable = HICOLOR / "scalable" / "apps" / f"{appinfo.APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SVG, scalable)
    appinfo.ICON_DIR.mkdir(parents=True, exist_ok=True)
    (appinfo.ICON_DIR / "companion.ico").write_bytes(ico_file(pngs))
    (appinfo.ICON_DIR / "companion.icns").write_bytes(icns_file(pngs))
    del app
    print(f"make_icons: wrote {len(appinfo.ICON_SIZES)} PNGs, the SVG, companion.ico and "
          "companion.icns")


if __name__ == "__main__":
    main()
