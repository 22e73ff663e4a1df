"""Whose screen time is whose: the names of the person's computers, for the Screen time page's
use per computer (a device's id is its member id in the device group, docs/protocol.md §11.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from companion.circle_names import shown_names

if TYPE_CHECKING:
    from companion.devices.group import DeviceGroup


def device_names(group: DeviceGroup) -> tuple[dict[bytes, str], str | None]:
    """(device id → the name the group knows it by, this computer's name). A computer
    removed from the group keeps its name: its use until then is still shown."""
    row = group.row()
    if row is None or row.status == "joining":
        return {}, None
    names = shown_names(group.engine.state.roster(row))
    return names, names.get(row.me)
