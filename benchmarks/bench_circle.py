"""The circle: applying many messages, an idle sync round over WebDAV, bytes on storage.

1. Ten members each send 100 messages (check-ins and notes, alternating) to a shared folder;
   an eleventh member's device then runs one sync round that fetches, verifies, decrypts and
   applies all 1,000 (target ≤ 2 s). Real SQLCipher vault files, a real folder transport.
2. A sync round with nothing new, over a real WebDAV server (wsgidav on 127.0.0.1), for
   circles of 3 and 11 members: requests made and time taken.
3. Bytes on storage per check-in and per short note.

    python3 benchmarks/bench_circle.py [--quick]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import _bootstrap  # noqa: F401  (puts the project on sys.path)
from common import fmt_ms, save_result, verdict

from storage.database import Database, open_keyed
from sync import actions
from sync.engine import Engine
from sync.invite import parse_invite
from sync.roster import make_op
from sync.schema import CIRCLES
from sync.transport_folder import FolderTransport
from sync.transport_webdav import WebDavCredentials, WebDavTransport
from tests.support.webdav_server import WebDavServer

TITLE = "Circle"
TARGET_APPLY_MS = 2000.0
_clock = itertools.count(1_790_000_000_000_000, 1_000_000)


def now_us() -> int:
    return next(_clock)


def engine_at(folder: Path, name: str) -> Engine:
    db = Database(open_keyed(folder / f"{name}.db", os.urandom(32)))
    db.migrate((CIRCLES,))
    return Engine(db, now_us)


def build_circle(folder: Path, transport: Any, senders: int) -> tuple[bytes, Engine, list[Engine]]:
    admin = engine_at(folder, "admin")
    circle = actions.create_circle(admin, "Bench", "Admin", "folder", str(folder))
    members: list[Engine] = []
    for index in range(senders):
        member = engine_at(folder, f"m{index}")
        row = admin.state.circle(circle)
        assert row is not None
        invite = actions.make_invite(admin, row)
        actions.begin_join(member, parse_invite(invite.code()), f"Member {index}", "folder",
                           str(folder), transport)
        admin.sync(circle, transport)
        member.sync(circle, transport)
        members.append(member)
    for member in members:
        member.sync(circle, transport)
    return circle, admin, members


def apply_thousand(work: Path, quick: bool) -> dict[str, Any]:
    senders, each = (4, 25) if quick else (10, 100)
    shared = work / "shared"
    shared.mkdir()
    transport = FolderTransport(shared)
    circle, receiver, members = build_circle(work, transport, senders)
    receiver.sync(circle, transport)
    for member in members:
        row = member.state.circle(circle)
        assert row is not None
        with member.db.transaction() as cur:
            for n in range(each):
                if n % 2:
                    actions.queue(member, cur, row, "checkin", {
                        "mood": 1 + n % 5, "energy": 1 + n % 4, "emotions": ["calm", "tired"],
                        "note": "a short note about the day"})
                else:
                    actions.queue(member, cur, row, "note", {
                        "title": f"Note {n}", "body": "Some words about how it went. " * 8})
        member.sync(circle, transport)
    start = time.perf_counter()
    report = receiver.sync(circle, transport)
    took = (time.perf_counter() - start) * 1000
    assert report.applied == senders * each, report
    assert not report.rejected, report.rejected
    checkin_sizes = sorted({p.stat().st_size for p in shared.iterdir()})
    return {"senders": senders, "each": each, "messages": report.applied,
            "apply_ms": took, "requests": report.requests, "object_sizes": checkin_sizes}


def junk_operations(work: Path, quick: bool) -> dict[str, Any]:
    """A member (not an admin) sends roster messages each carrying 64 operations they signed
    (promotions they may not make): 6,400 in all. The next sync of another member applies
    and refuses them; the issue saw 14 s for this when folding was quadratic."""
    messages = 20 if quick else 100
    shared = work / "shared"
    shared.mkdir()
    transport = FolderTransport(shared)
    circle, receiver, members = build_circle(work, transport, 1)
    junk_author = members[0]
    row = junk_author.state.circle(circle)
    assert row is not None
    target = receiver.state.circle(circle)
    assert target is not None
    roster = junk_author.state.roster(row)
    with junk_author.db.transaction() as cur:
        for m in range(messages):
            ops = [make_op(row.identity, circle, "promote", parents=roster.heads(),
                           lamport=roster.next_lamport() + m, at=m * 64 + k,
                           rng=junk_author.rng, target=target.me)[0].to_json()
                   for k in range(65)]
            actions.queue(junk_author, cur, row, "roster", {"op": ops[0], "carry": ops[1:]})
    junk_author.sync(circle, transport)
    start = time.perf_counter()
    report = receiver.sync(circle, transport)
    took = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    quiet = receiver.sync(circle, transport)
    quiet_ms = (time.perf_counter() - start) * 1000
    return {"messages": messages, "ops": messages * 65, "sync_ms": took,
            "refused": report.rejected_total, "quiet_ms": quiet_ms,
            "quiet_refused": quiet.rejected_total}


def idle_rounds(work: Path, quick: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for size in ((2,) if quick else (2, 10)):
        folder = work / f"idle-{size}"
        folder.mkdir()
        with WebDavServer(folder / "dav") as server:
            creds = WebDavCredentials(server.user, server.password)
            with WebDavTransport(server.url_for("circle"), creds) as transport:
                transport.check()
                circle, admin, members = build_circle(folder, transport, size)
                admin.sync(circle, transport)
                samples, requests = [], []
                for _ in range(5 if quick else 20):
                    start = time.perf_counter()
                    transport.check()  # as CircleService.sync does on WebDAV
                    report = admin.sync(circle, transport)
                    samples.append((time.perf_counter() - start) * 1000)
                    requests.append(report.requests + 1)
                out[str(size + 1)] = {"median_ms": statistics.median(samples),
                                      "requests": statistics.median(requests)}
    return out


def storage_bytes(work: Path) -> dict[str, int]:
    shared = work / "sizes"
    shared.mkdir()
    transport = FolderTransport(shared)
    circle, admin, _members = build_circle(work / "sizes", transport, 1)
    row = admin.state.circle(circle)
    assert row is not None
    sizes = {}
    for kind, data in (("checkin", {"mood": 3, "energy": None, "emotions": [], "note": ""}),
                       ("checkin_full", {"mood": 3, "energy": 4,
                                         "emotions": ["hopeful", "tired"],
                                         "note": "x" * 280}),
                       ("note_short", {"title": "Hi", "body": "A short note."})):
        before = {p.name for p in shared.iterdir()}
        with admin.db.transaction() as cur:
            actions.queue(admin, cur, row, kind.split("_")[0], data)
        admin.sync(circle, transport)
        new = [p for p in shared.iterdir() if p.name not in before]
        sizes[kind] = new[0].stat().st_size
    return sizes


def summary_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    a = result["apply"]
    rows = [(f"Circle: apply {a['messages']:,} messages from {a['senders']} members",
             f"≤ {TARGET_APPLY_MS / 1000:.0f} s", fmt_ms(a["apply_ms"]),
             verdict(a["apply_ms"] <= TARGET_APPLY_MS))]
    for members, idle in result["idle"].items():
        rows.append((f"Circle: idle sync round over WebDAV, {members} members", "report",
                     f"{idle['requests']:.0f} requests, {fmt_ms(idle['median_ms'])}", "info"))
    rows.append(("Circle: bytes on storage per check-in", "report",
                 f"{result['bytes']['checkin']:,} bytes", "info"))
    junk = result.get("junk")
    if junk:
        rows.append((f"Circle: a sync that refuses {junk['ops']:,} junk roster operations",
                     "report", fmt_ms(junk["sync_ms"]), "info"))
    return rows


def section(result: dict[str, Any]) -> list[str]:
    a, b = result["apply"], result["bytes"]
    lines = [
        f"**Applying.** {a['senders']} members each sent {a['each']} messages (check-ins and "
        "notes, alternating) to a shared folder; one more member's device then ran a single "
        f"sync round that fetched, verified, decrypted and applied all {a['messages']:,} in "
        f"{fmt_ms(a['apply_ms'])} ({a['requests']:,} reads: one per message plus one missing "
        "name per member and epoch looked in). Real SQLCipher vault files, the real folder "
        "transport, protocol version 2 (each message's header opened and its signature "
        "checked when found).",
        "",
        "**An idle round over WebDAV** (wsgidav on 127.0.0.1, nothing new): the device asks "
        "for each member's next name in the epoch of their last message (members who learn "
        "of a newer epoch with nothing to send say so there, so that is one name each), plus "
        "one read of its own newest message (the rollback check) and one PROPFIND of the "
        "folder (a vanished folder would otherwise look like silence), so the cost grows with "
        "members, not with history:",
        "",
        "| members | requests | median time |",
        "|---|---|---|",
    ]
    lines += [f"| {m} | {i['requests']:.0f} | {fmt_ms(i['median_ms'])} |"
              for m, i in result["idle"].items()]
    lines += ["", f"**Bytes on storage.** Every check-in is {b['checkin']:,} bytes whatever it "
              f"says (an empty one: {b['checkin']:,}; mood, energy, two emotions and a "
              f"280-character note: {b['checkin_full']:,}); a short note is "
              f"{b['note_short']:,} bytes (padding to 1 KiB buckets and up)."]
    junk = result.get("junk")
    if junk:
        lines += ["", f"**Junk roster operations.** A member who is not an admin sent "
                  f"{junk['messages']} roster messages, each carrying 65 promotions they "
                  f"signed but may not make ({junk['ops']:,} operations). The next sync of "
                  f"another member took {fmt_ms(junk['sync_ms'])} and refused "
                  f"{junk['refused']:,} of them, each counted once with its reason; the sync "
                  f"after it took {fmt_ms(junk['quiet_ms'])} and refused "
                  f"{junk['quiet_refused']} (the issue saw 14 s for 6,400 when folding was "
                  "quadratic)."]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-circle-") as tmp:
        work = Path(tmp)
        (work / "apply").mkdir()
        applied = apply_thousand(work / "apply", args.quick)
        print(f"apply {applied['messages']} messages: {applied['apply_ms']:.0f} ms")
        (work / "idle").mkdir()
        idle = idle_rounds(work / "idle", args.quick)
        print(f"idle rounds: {idle}")
        sizes = storage_bytes(work)
        print(f"bytes: {sizes}")
        (work / "junk").mkdir()
        junk = junk_operations(work / "junk", args.quick)
        print(f"junk: {junk}")
    save_result("circle", {"quick": args.quick, "apply": applied, "idle": idle,
                           "bytes": sizes, "junk": junk})


if __name__ == "__main__":
    main()
