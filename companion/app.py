"""The application facade: the one object the CLI and the desktop app both drive.

It owns the vault and the domain services, checks input, and tells listeners what changed
after every mutation (plain callbacks; the desktop app turns them into Qt signals).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from companion.attachment_schema import ATTACHMENTS
from companion.checkins import CheckIns, DayMood
from companion.clock import Clock, SystemClock
from companion.devices.schema import DEVICES, SCREEN_TIME_COLLECTIONS
from companion.errors import InvalidInput
from companion.journal import Journal
from companion.models import (
    Changes,
    CheckIn,
    CheckInDraft,
    CheckinHit,
    Entry,
    EntryDraft,
    ItemRef,
    Kind,
    SearchHit,
    TagCount,
    TimelineItem,
)
from companion.questionnaire_schema import QUESTIONNAIRES
from companion.schema import IMPORTS, JOURNAL
from companion.screentime.schema import SCREEN_TIME
from companion.template_schema import TEMPLATES
from companion.timeutil import month_bounds
from storage import keyring_store
from storage.errors import VaultLocked
from storage.kdf import FLOOR, Argon2Params
from storage.paths import VaultPaths, default_home
from storage.vault import Vault
from sync.schema import CIRCLES

if TYPE_CHECKING:
    from companion.attachments import Attachment, AttachmentLimits, Attachments, PreparedFile
    from companion.circle_feature import Circles
    from companion.crisis import CrisisResources
    from companion.devices.group import DeviceConflict, DeviceGroup, DeviceSyncReport
    from companion.devices.person_settings import PreferenceLink
    from companion.imports.common import CancelToken, ImportPlan, ImportReport, Progress
    from companion.on_this_day import OnThisDay
    from companion.preferences import Preferences
    from companion.prompts import Template
    from companion.questionnaire_store import QuestionnaireService, SavedResult, Trend
    from companion.questionnaires import QuestionnaireKind, Result
    from companion.screentime.activitywatch import ImportResult
    from companion.screentime.categories import CategoryRule
    from companion.screentime.service import Overview, ScreenTimeService
    from companion.screentime.tracker import Budget, BudgetKind
    from companion.search import SearchFilters
    from storage.backup import RestoreResult as RestoreResult  # the restore dialog's result
    from sync.state import CircleRow

# Every table a Companion vault holds, by the package that owns it: the vault brings each up
# to date when it is unlocked (storage/migrations.py).
SCHEMA = (JOURNAL, IMPORTS, QUESTIONNAIRES, SCREEN_TIME, CIRCLES, DEVICES, TEMPLATES,
          ATTACHMENTS)

ChangeListener = Callable[[Changes], None]
# Argon2id at its floor, for throwaway vaults only (the demo, screenshots): a real vault
# calibrates to about half a second.
QUICK_KEY_DERIVATION = FLOOR


@dataclass(frozen=True)
class DayItems:
    day: str
    entries: list[Entry]
    checkins: list[CheckIn]


class CompanionApp:
    def __init__(self, home: Path | None = None, *, clock: Clock | None = None) -> None:
        self.home = Path(home) if home is not None else default_home()
        self.clock: Clock = clock or SystemClock()
        self.vault = Vault(self.home, SCHEMA)
        self._journal: Journal | None = None
        self._checkins: CheckIns | None = None
        self._questionnaires: QuestionnaireService | None = None
        self._circles: Circles | None = None
        self._devices: DeviceGroup | None = None
        self._screen_time: ScreenTimeService | None = None
        self._preferences: Preferences | None = None
        # Keeps a save of the preferences out of the middle of a device-sync round.
        self._preferences_lock = threading.RLock()
        self._listeners: list[ChangeListener] = []
        # Set (tests, imports): these limits; None: the person's preferences.
        self._attachment_limits: AttachmentLimits | None = None

    # -- vault lifecycle ----------------------------------------------------------------------

    def vault_exists(self) -> bool:
        return self.vault.exists()

    def create_vault(self, passphrase: str, confirmation: str | None = None, *,
                     params: Argon2Params | None = None) -> str:
        """Create the vault, leave it unlocked, return the recovery code (shown once)."""
        from companion.passphrase import check_new_passphrase

        check_new_passphrase(passphrase, confirmation)
        self.vault, code = Vault.create(self.home, passphrase, schema=SCHEMA, params=params)
        self._attach()
        return code

    def open(self) -> None:
        self.vault.open()

    @property
    def finished_restore_note(self) -> str | None:
        """What opening the vault did, if it finished a restore a crash had interrupted."""
        finished = self.vault.finished_restore
        if finished is None:
            return None
        if finished.kind == "rekey":
            return ("Re-encrypting the vault with a new key had been interrupted; it has now "
                    "been completed. Use the new passphrase and recovery code.")
        where = (f" The vault it replaced is kept in {finished.previous_vault_kept_in}."
                 if finished.previous_vault_kept_in else "")
        return ("A restore from a backup had been interrupted; it has now been completed, "
                f"and this is the restored vault.{where}")

    def unlock(self, passphrase: str) -> None:
        self.vault.unlock_with_passphrase(passphrase)
        self._attach()

    def unlock_with_recovery_code(self, code: str) -> None:
        self.vault.unlock_with_recovery_code(code)
        self._attach()

    def unlock_with_keyring(self) -> bool:
        if self.vault.unlock_with_keyring():
            self._attach()
            return True
        return False

    def unlock_with_data_key(self, data_key: bytes) -> bool:
        if self.vault.unlock_with_data_key(data_key):
            self._attach()
            return True
        return False

    @property
    def is_unlocked(self) -> bool:
        return self.vault.is_unlocked

    def lock(self) -> None:
        self._journal = self._checkins = None
        self._questionnaires = None
        self._circles = None
        self._devices = None
        self._screen_time = None
        self.vault.lock()

    def close(self) -> None:
        self.lock()
        self.vault.close()

    def _attach(self) -> None:
        db = self.vault.database
        self._journal = Journal(db, self.clock)
        self._checkins = CheckIns(db, self.clock)

    # -- keys ---------------------------------------------------------------------------------

    def change_passphrase(self, current: str, new: str, confirmation: str | None = None) -> None:
        from companion.passphrase import check_new_passphrase

        check_new_passphrase(new, confirmation)
        self.vault.change_passphrase(current, new)

    def rekey(self, current: str, new: str, confirmation: str | None = None) -> str:
        """Re-encrypt the vault under a new data key (storage/rekey.py); the new recovery
        code is returned to show once. The vault is left unlocked."""
        from companion.passphrase import check_new_passphrase

        check_new_passphrase(new, confirmation)
        code = self.vault.rekey(current, new)
        # The services held the database connection that was just closed and replaced (what
        # they show is the same: listeners hear nothing).
        self._questionnaires = self._circles = self._screen_time = None
        self._attach()
        return code

    def reset_passphrase(self, recovery_code: str, new: str,
                         confirmation: str | None = None) -> str:
        from companion.passphrase import check_new_passphrase

        check_new_passphrase(new, confirmation)
        return self.vault.reset_passphrase(recovery_code, new)

    def new_recovery_code(self) -> str:
        return self.vault.new_recovery_code()

    @staticmethod
    def keyring_available() -> bool:
        return keyring_store.available()

    def remember_on_device(self) -> None:
        self.vault.remember()

    def forget_on_device(self) -> bool:
        return self.vault.forget()

    def is_remembered(self) -> bool:
        return self.vault.is_remembered()

    def check_backup_target(self, target: Path) -> None:
        """Raise a `UserError` if a backup cannot or must not be written at `target`: not a
        file in an existing folder, or one of the vault's own files (replacing the live
        vault with its own backup)."""
        if target.is_dir() or not target.parent.is_dir():
            raise InvalidInput(f"Cannot write a backup to {target}.",
                               "Give a file in an existing folder.")
        paths = VaultPaths(self.home)
        own = (paths.database, *paths.database_sidecars, paths.key_file, paths.lock_file)
        if any(target.resolve() == path.resolve() for path in own):
            raise InvalidInput(f"Cannot write a backup over the vault's own file {target}.",
                               "Choose another name.")

    def backup(self, destination: Path) -> int:
        from storage import backup as backup_files

        return backup_files.write_backup(self.vault, destination)

    @staticmethod
    def check_backup(source: Path, secret: str) -> str:
        """Raise a `UserError` unless `secret` opens the intact backup `source`."""
        from storage import backup as backup_files

        return backup_files.check_backup(source, secret)

    @staticmethod
    def restore_backup(home: Path, source: Path, secret: str) -> RestoreResult:
        from storage import backup as backup_files

        return backup_files.restore_backup(home, source, secret)

    # -- change notification ------------------------------------------------------------------

    def subscribe(self, listener: ChangeListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _notify(self, changes: Changes) -> Changes:
        for listener in list(self._listeners):
            listener(changes)
        return changes

    # -- journal and check-ins -----------------------------------------------------------------

    @property
    def journal(self) -> Journal:
        if self._journal is None:
            raise VaultLocked()
        return self._journal

    @property
    def checkins(self) -> CheckIns:
        if self._checkins is None:
            raise VaultLocked()
        return self._checkins

    def add_entry(self, draft: EntryDraft) -> Entry:
        entry = self.journal.add(draft)
        self._notify(Changes(entries=True, tags=bool(entry.tags), ids=(entry.ref,)))
        return entry

    def add_checkin(self, draft: CheckInDraft) -> CheckIn:
        checkin = self.checkins.add(draft)
        self._notify(Changes(checkins=True, ids=(checkin.ref,)))
        return checkin

    def get(self, ref: ItemRef, *, include_deleted: bool = False) -> TimelineItem:
        if ref.kind is Kind.ENTRY:
            return self.journal.get(ref.number, include_deleted=include_deleted)
        return self.checkins.get(ref.number, include_deleted=include_deleted)

    def update_entry(self, entry_id: int, **fields: object) -> Entry:
        entry = self.journal.update(entry_id, **fields)  # type: ignore[arg-type]
        self._notify(Changes(entries=True, tags="tags" in fields, ids=(entry.ref,)))
        return entry

    def update_checkin(self, checkin_id: int, **fields: object) -> CheckIn:
        checkin = self.checkins.update(checkin_id, **fields)  # type: ignore[arg-type]
        self._notify(Changes(checkins=True, ids=(checkin.ref,)))
        return checkin

    def delete(self, ref: ItemRef) -> Changes:
        service = self.journal if ref.kind is Kind.ENTRY else self.checkins
        return self._notify(service.delete(ref.number))

    def restore(self, ref: ItemRef) -> Changes:
        service = self.journal if ref.kind is Kind.ENTRY else self.checkins
        return self._notify(service.restore(ref.number))

    def timeline(
        self,
        *,
        kind: Kind | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        tag: str | None = None,
        limit: int | None = None,
        trash: bool = False,
    ) -> list[TimelineItem]:
        """Entries and check-ins in time order, oldest first; with `limit`, the newest ones."""
        if limit is not None and limit < 0:
            raise InvalidInput("--limit cannot be negative.")
        if start is not None and end is not None and end <= start:
            raise InvalidInput("The end of the period must be after its start.")
        items: list[TimelineItem] = []
        if kind in (None, Kind.ENTRY):
            items += self.journal.browse(start=start, end=end, tag=tag, limit=limit, trash=trash)
        # Check-ins carry no tags: filtering by tag shows entries only.
        if kind in (None, Kind.CHECKIN) and tag is None:
            items += self.checkins.browse(start=start, end=end, limit=limit, trash=trash)
        items.sort(key=_when, reverse=True)
        if limit is not None:
            items = items[:limit]
        items.reverse()
        return items

    def day(self, day: str) -> DayItems:
        return DayItems(day, self.journal.list_days(day, day), self.checkins.list_days(day, day))

    def month(self, year: int, month: int) -> list[DayItems]:
        """Every day of the month that has something, oldest first."""
        first, last = month_bounds(year, month)
        by_day: dict[str, DayItems] = {}
        for entry in self.journal.list_days(first, last):
            by_day.setdefault(_local_day(entry.created), DayItems(_local_day(entry.created),
                                                                  [], [])).entries.append(entry)
        for checkin in self.checkins.list_days(first, last):
            by_day.setdefault(_local_day(checkin.at), DayItems(_local_day(checkin.at),
                                                               [], [])).checkins.append(checkin)
        return [by_day[d] for d in sorted(by_day)]

    def search(self, text: str, *, limit: int = 50,
               filters: SearchFilters | None = None) -> list[SearchHit]:
        if limit < 0:
            raise InvalidInput("--limit cannot be negative.")
        from companion.search import search_entries

        return search_entries(self.journal, text, limit=limit, filters=filters)

    def search_checkins(self, text: str, *, limit: int = 50,
                        filters: SearchFilters | None = None) -> list[CheckinHit]:
        """Check-ins whose note matches `text`, best first."""
        if limit < 0:
            raise InvalidInput("--limit cannot be negative.")
        from companion.search import search_checkins

        return search_checkins(self.checkins, text, limit=limit, filters=filters)

    def tags(self) -> list[TagCount]:
        return self.journal.tags()

    # -- what the journal pages read (each on a worker thread) ---------------------------------

    def entry_index(self, *, start: datetime | None = None, end: datetime | None = None,
                    tag: str | None = None, trash: bool = False) -> list[tuple[int, str]]:
        """(id, local day) of every entry the journal list shows, newest first."""
        return self.journal.entry_index(start=start, end=end, tag=tag, trash=trash)

    def entry(self, entry_id: int, *, include_deleted: bool = False) -> Entry:
        return self.journal.get(entry_id, include_deleted=include_deleted)

    def entries(self, ids: Sequence[int]) -> list[Entry]:
        """The entries with these ids, in that order (the list loads them a screen at a time)."""
        return self.journal.get_many(ids)

    def entries_between(self, first_day: str, last_day: str) -> list[Entry]:
        return self.journal.list_days(first_day, last_day)

    def days_with_entries(self, first_day: str, last_day: str) -> dict[str, int]:
        return self.journal.days_with_entries(first_day, last_day)

    def day_moods(self, start: datetime | None = None, end: datetime | None = None
                  ) -> dict[str, list[DayMood]]:
        return self.checkins.day_moods(start, end)

    def known_labels(self, kind: str) -> list[str]:
        """Emotions or activities used before ("emotion", "activity"), most used first."""
        return self.checkins.known_labels(kind)

    def first_checkin(self) -> CheckIn | None:
        first = self.checkins.browse(limit=1, newest_first=False)
        return first[0] if first else None

    def on_this_day(self, day: date | None = None) -> OnThisDay:
        """What was written and felt on this date in earlier years and a month ago
        (companion/on_this_day.py), leaving out hard days if the person chose so. Asked for,
        it is given even when Today's card is turned off."""
        from companion.on_this_day import on_this_day

        return on_this_day(self.journal, self.checkins, day or self.clock.now().date(),
                           skip_hard_days=self.preferences.on_this_day_skip_hard_days)

    # -- attachments (companion/attachments.py; the bytes stay in the vault) ------------------

    @property
    def attachment_limits(self) -> AttachmentLimits:
        """How much may be attached: the sizes the person chose in Settings (25 MB a file and
        100 MB an entry unless changed), or limits set here directly."""
        if self._attachment_limits is not None:
            return self._attachment_limits
        from companion.attachments import MB, AttachmentLimits

        prefs = self.preferences
        return AttachmentLimits(max_file_bytes=prefs.attachment_file_mb * MB,
                                max_entry_bytes=prefs.attachment_entry_mb * MB)

    @attachment_limits.setter
    def attachment_limits(self, limits: AttachmentLimits | None) -> None:
        self._attachment_limits = limits

    def _attachments(self) -> Attachments:
        from companion.attachments import Attachments

        return Attachments(self.vault.database, self.clock, self.attachment_limits)

    def prepare_attachment(self, path: Path, *, keep_location: bool = False) -> PreparedFile:
        """Read and check a file to attach (type from its bytes, size limits, an image's
        location removed unless kept); nothing is written yet."""
        return self._attachments().prepare_file(path, keep_location=keep_location)

    def prepare_attachment_bytes(self, name: str, data: bytes, *,
                                 keep_location: bool = False) -> PreparedFile:
        """The same for bytes pasted or dropped into the editor."""
        from companion.attachments import prepare

        return prepare(name, data, self.attachment_limits, keep_location=keep_location)

    def attach(self, entry_id: int, files: Sequence[PreparedFile]) -> list[Attachment]:
        """Attach prepared files to an entry: all of them or none."""
        added = self._attachments().add(entry_id, files)
        self._notify(Changes(entries=True, ids=(ItemRef(Kind.ENTRY, entry_id),)))
        return added

    def attachments(self, entry_id: int) -> list[Attachment]:
        return self._attachments().list(entry_id)

    def attachment(self, entry_id: int, position: int) -> Attachment:
        return self._attachments().get(entry_id, position)

    def attachment_bytes(self, entry_id: int, position: int) -> bytes:
        return self._attachments().read(entry_id, position)

    def attachment_thumbnail(self, entry_id: int, position: int,
                             max_side: int = 256) -> bytes | None:
        """PNG bytes made in memory (no cache on disk), or None for what is not an image."""
        return self._attachments().thumbnail(entry_id, position, max_side)

    def remove_attachment(self, entry_id: int, position: int) -> None:
        self._attachments().remove(entry_id, position)
        self._notify(Changes(entries=True, ids=(ItemRef(Kind.ENTRY, entry_id),)))

    # -- templates and the question for today (companion/templates.py, prompts.py) -----------

    def templates(self) -> list[Template]:
        """The templates that ship, then the person's own (read from the vault)."""
        from companion.templates import Templates

        return Templates(self.vault.database, self.clock).all()

    def find_template(self, name: str) -> Template:
        from companion.templates import Templates

        return Templates(self.vault.database, self.clock).find(name)

    def add_template(self, name: str, body: str) -> Template:
        from companion.templates import Templates

        return Templates(self.vault.database, self.clock).add(name, body)

    def update_template(self, own_id: int, *, name: str | None = None,
                        body: str | None = None) -> Template:
        from companion.templates import Templates

        return Templates(self.vault.database, self.clock).update(own_id, name=name, body=body)

    def delete_template(self, own_id: int) -> None:
        from companion.templates import Templates

        Templates(self.vault.database, self.clock).delete(own_id)

    def question_for_today(self) -> str | None:
        """Today's reflective question, or None when the person turned it off or set it
        aside for today (needs no vault: the questions ship with the app)."""
        from companion.prompts import question_for

        prefs = self.preferences
        today = self.clock.now().date()
        if not prefs.question_of_the_day or prefs.question_set_aside_on == today.isoformat():
            return None
        return question_for(today)

    def rename_tag(self, old: str, new: str) -> Changes:
        return self._notify(self.journal.rename_tag(old, new))

    # -- imports (companion/imports: readers of other apps' files, and one bulk writer) -------

    def write_import(self, plan: ImportPlan, *, dry_run: bool = False,
                     progress: Progress | None = None, cancel: CancelToken | None = None
                     ) -> ImportReport:
        """Write a checked import plan in one transaction (all or nothing; a dry run rolls
        back), then tell listeners what it added."""
        from companion.imports.common import write_plan

        report = write_plan(self.vault.database, self.clock, plan, dry_run=dry_run,
                            progress=progress, cancel=cancel)
        if plan.attachments and not dry_run:
            from companion.attachment_export import import_attachments

            notes = import_attachments(self, plan.path, plan.source, plan.own_ids,
                                       plan.attachments)
            report = replace(report, notes=(*report.notes, *notes))
        if report.imported and not dry_run:
            self._notify(report.changes)
        return report

    @property
    def vault_id(self) -> str:
        """The vault's random id (an export of this very vault is recognised by it)."""
        return self.vault.vault_id

    # -- questionnaires ------------------------------------------------------------------------

    @property
    def circles(self) -> Circles:
        """The circle feature (companion/circle_feature.py), built on first use: commands and
        pages that never touch a circle do not load the protocol (sync/) at all."""
        if self._circles is None:
            db = self.vault.database  # raises VaultLocked when locked
            from companion.circle import CircleService
            from companion.circle_feature import Circles

            self._circles = Circles(CircleService(db, self.clock), self._notify)
        return self._circles

    @property
    def devices(self) -> DeviceGroup:
        """Device sync (companion/devices): this vault's place among its person's computers,
        built on first use like the circles."""
        if self._devices is None:
            db = self.vault.database  # raises VaultLocked when locked
            from companion.devices.group import DeviceGroup, default_transport
            from sync.engine import Engine

            engine = Engine(db, lambda: int(self.clock.now().timestamp() * 1_000_000))
            self._devices = DeviceGroup(db, self.clock, engine, default_transport)
            self._devices.replica.preferences = self.preference_link()
        return self._devices

    def preference_link(self) -> PreferenceLink:
        """How device sync reads the person's preferences (the file, which is the truth) and
        writes what another computer changed (atomically, through this facade, so its copy
        and the screen-time service follow)."""
        from companion.devices.person_settings import PreferenceLink
        from companion.preferences import load_preferences

        return PreferenceLink(lambda: load_preferences(self.home),
                              self._adopt_synced_preferences, self._preferences_lock)

    def _adopt_synced_preferences(self, prefs: Preferences) -> None:
        from companion.preferences import save_preferences

        with self._preferences_lock:
            save_preferences(self.home, prefs)
            self._preferences = prefs
            if self._screen_time is not None:
                self._screen_time.apply_preferences(prefs)

    def sync_devices(self) -> DeviceSyncReport:
        """One round of device sync (off the GUI thread: it reads and writes the storage);
        pages showing what it wrote are told, as after any change, and the window hears of
        preferences another computer changed (`preferences_synced`)."""
        report = self.devices.sync()
        merged = report.merged
        changes = Changes()
        if merged.collections & {"entry", "checkin", "questionnaire"} or merged.conflicts:
            changes |= Changes(entries=True, checkins=True, tags=True, questionnaires=True)
        if merged.collections & SCREEN_TIME_COLLECTIONS:
            if self._screen_time is not None:
                self._screen_time.reload_settings()  # budgets and categories from elsewhere
            changes |= Changes(screen_time=True)
        if merged.preferences:
            changes |= Changes(preferences=True, preferences_synced=True)
        if changes != Changes():
            self._notify(changes)
        return report

    def join_devices(self, code: str, device_name: str, storage: str, *, webdav_user: str = "",
                     webdav_password: str = "") -> CircleRow:
        """Ask to join the person's other computers with a pairing code from one of them (off
        the GUI thread: it reaches the storage). The storage is tried first, as `companion
        device join` does, so a wrong folder or password is said before anything is saved."""
        from sync.storage_spec import build_transport, parse_storage_spec
        from sync.webdav_address import WebDavCredentials

        spec = parse_storage_spec(storage)
        credentials = (WebDavCredentials(webdav_user, webdav_password)
                       if webdav_user or webdav_password else None)
        with build_transport(spec, credentials) as transport:
            transport.check()
            return self.devices.join(code, device_name, storage, transport,
                                     webdav_user=webdav_user, webdav_password=webdav_password)

    def cancel_device_join(self) -> None:
        """Stop waiting to be let in by the person's other computer: the group asked to join
        is forgotten here, so device sync can be set up again (companion/devices/setup_undo.py).
        The journal is not touched."""
        from companion.devices.setup_undo import give_up_joining

        give_up_joining(self.vault.database)
        self._devices = None  # its engine and replica were made for the group given up

    def device_conflicts(self) -> list[DeviceConflict]:
        """Entries whose text was edited on two computers without either seeing the other's
        edit: the text shown and the other versions kept beside it."""
        return self.devices.conflicts()

    def resolve_device_conflict(self, entry_id: int, text: str) -> None:
        """Keep `text` (one version, or the person's combination) as the entry's text on every
        computer; the conflict ends everywhere."""
        self.devices.replica.resolve("entry", entry_id, "body", text)
        self._notify(Changes(entries=True, ids=(ItemRef(Kind.ENTRY, entry_id),)))

    @property
    def questionnaires(self) -> QuestionnaireService:
        if self._questionnaires is None:
            db = self.vault.database  # raises VaultLocked when locked
            from companion.questionnaire_store import QuestionnaireService

            self._questionnaires = QuestionnaireService(db, self.clock)
        return self._questionnaires

    @staticmethod
    def score_questionnaire(kind: QuestionnaireKind | str, answers: Sequence[int],
                            followup: int | None = None) -> Result:
        """Score without saving (needs no vault)."""
        from companion.questionnaires import score

        return score(kind, answers, followup)

    def save_questionnaire(self, kind: QuestionnaireKind | str, answers: Sequence[int], *,
                           followup: int | None = None,
                           taken_at: datetime | None = None) -> SavedResult:
        saved = self.questionnaires.save(self.score_questionnaire(kind, answers, followup),
                                         taken_at=taken_at)
        self._notify(Changes(questionnaires=True))
        return saved

    def questionnaire_history(self, kind: QuestionnaireKind | str | None = None, *,
                              limit: int | None = None) -> list[SavedResult]:
        return self.questionnaires.history(kind, limit=limit)

    def questionnaire_trend(self, kind: QuestionnaireKind | str) -> Trend:
        return self.questionnaires.trend(kind)

    # -- screen time (companion/screentime, DESIGN.md §6) ----------------------------------

    @property
    def screen_time(self) -> ScreenTimeService:
        """Built on first use, like the circle and questionnaire services: a command that
        lists entries loads none of them."""
        if self._screen_time is None:
            db = self.vault.database  # raises VaultLocked when locked
            from companion.screentime.service import ScreenTimeService
            from companion.screentime.store import ScreenTime

            self._screen_time = ScreenTimeService(ScreenTime(db), self.preferences)
        return self._screen_time

    # Edits go through the facade, not the service, so that every page that shows screen
    # time (the Screen time page, Insights' screen time against mood) hears of them.

    def import_activitywatch(self, *, start: datetime, end: datetime,
                             url: str | None = None) -> ImportResult:
        """Add ActivityWatch's not-afk window time of [start, end) (network and SQL)."""
        service = self.screen_time
        result = (service.import_activitywatch(start=start, end=end) if url is None
                  else service.import_activitywatch(start=start, end=end, url=url))
        self._notify(Changes(screen_time=True))
        return result

    def save_screen_time(self) -> int:
        """Store the measured use the tracker holds (spans merged); pages showing screen time
        hear of it when anything was stored."""
        saved = self.screen_time.flush()
        if saved:
            self._notify(Changes(screen_time=True))
        return saved

    def screen_time_overview(self, days: int) -> Overview:
        """Today (live) and the last `days` days of screen time, with budgets and rules, and
        what the person's other computers measured, by their names."""
        overview = self.screen_time.overview(self.clock.now(), days)
        if not overview.others:
            return overview
        from companion.devices.screen_use import device_names

        names, mine = device_names(self.devices)
        return replace(overview, device_names=names, this_device=mine or overview.this_device)

    def set_screen_time_budget(self, kind: BudgetKind, target: str, minutes: int,
                               weekday: int | None = None) -> Budget:
        budget = self.screen_time.set_budget(kind, target, minutes, weekday)
        self._notify(Changes(screen_time=True))
        return budget

    def remove_screen_time_budget(self, kind: BudgetKind, target: str,
                                  weekday: int | None = None) -> None:
        self.screen_time.remove_budget(kind, target, weekday)
        self._notify(Changes(screen_time=True))

    def set_screen_time_rules(self, rules: list[CategoryRule] | None
                              ) -> tuple[CategoryRule, ...]:
        """Replace the category rules (None: the shipped defaults)."""
        saved = self.screen_time.set_rules(rules)
        self._notify(Changes(screen_time=True))
        return saved

    # -- preferences (a file beside the vault: companion/preferences.py) ----------------------

    @property
    def preferences(self) -> Preferences:
        """The saved preferences, read from disk once (defaults if missing or unreadable)."""
        if self._preferences is None:
            from companion.preferences import load_preferences

            self._preferences = load_preferences(self.home)
        return self._preferences

    def save_preferences(self, prefs: Preferences) -> Changes:
        """Check, keep and write `prefs`; the screen-time service follows them at once."""
        from companion.preferences import save_preferences

        prefs = prefs.validated()
        with self._preferences_lock:
            save_preferences(self.home, prefs)
            self._preferences = prefs
            if self._screen_time is not None:
                self._screen_time.apply_preferences(prefs)
        return self._notify(Changes(preferences=True))

    # -- circles (companion/circle.py) ---------------------------------------------------------

    def crisis_resources(self) -> CrisisResources:
        """The user's own list in the vault folder if valid, else the shipped one."""
        from companion.crisis import load_crisis_resources

        return load_crisis_resources(self.home)


def _when(item: TimelineItem) -> tuple[datetime, int]:
    return (item.created if isinstance(item, Entry) else item.at, item.id)


def _local_day(when: datetime) -> str:
    return when.date().isoformat()
