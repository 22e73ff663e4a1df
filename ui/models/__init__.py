"""Item models over ids: they hold ids and a row cache and never run SQL in `data()`."""

from ui.models.none_guard import keep_singletons_alive

keep_singletons_alive()  # see none_guard: PySide6 6.12 on Python 3.11 would otherwise abort
