"""Icons and texts the app ships (SVG icons in `icons/`). Read with importlib.resources."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def asset(*parts: str) -> Traversable:
    return files(__name__).joinpath(*parts)
