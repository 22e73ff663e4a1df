"""The circle's tables in the vault (component "circle").

Everything a device knows about its circles lives here, inside the encrypted database: its
private identity per circle, storage credentials, roster operations, epoch keys, where each
member's chain stands, what was applied, what waits in the outbox, and what was rejected.
"""

from __future__ import annotations

from storage.migrations import Component, sql_step

COMPONENT = "circle"

_V1 = """
CREATE TABLE circles (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    identity BLOB NOT NULL,
    display_name TEXT NOT NULL,
    names_key BLOB,
    genesis BLOB,
    storage_kind TEXT NOT NULL,
    storage_location TEXT NOT NULL,
    webdav_user TEXT NOT NULL DEFAULT '',
    webdav_password TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('joining', 'active', 'removed', 'left')),
    invite_code TEXT NOT NULL DEFAULT '',
    guidelines TEXT NOT NULL DEFAULT '',
    created_us INTEGER NOT NULL,
    last_sync_us INTEGER
);
CREATE TABLE circle_ops (
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    hash BLOB NOT NULL,
    body BLOB NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (circle, hash)
) WITHOUT ROWID;
CREATE TABLE circle_epoch_keys (
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    epoch BLOB NOT NULL,
    key BLOB NOT NULL,
    PRIMARY KEY (circle, epoch)
) WITHOUT ROWID;
-- The last message applied from each member, mine included (the last one sealed).
CREATE TABLE circle_chains (
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    member BLOB NOT NULL,
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL,
    epoch BLOB NOT NULL,
    idx INTEGER NOT NULL,
    heard_us INTEGER,
    PRIMARY KEY (circle, member)
) WITHOUT ROWID;
-- Downloaded but not applicable yet (its epoch is not known yet), so never fetched twice.
CREATE TABLE circle_held (
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    member BLOB NOT NULL,
    seq INTEGER NOT NULL,
    raw BLOB NOT NULL,
    PRIMARY KEY (circle, member, seq)
) WITHOUT ROWID;
CREATE TABLE circle_items (
    id INTEGER PRIMARY KEY,
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    sender BLOB NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    at INTEGER NOT NULL,
    ref_sender BLOB,
    ref_seq INTEGER,
    data TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'shown' CHECK (state IN ('shown', 'deleted', 'withdrawn')),
    edited_at INTEGER,
    UNIQUE (circle, sender, seq)
);
CREATE INDEX circle_items_by_time ON circle_items (circle, at);
CREATE INDEX circle_items_by_ref ON circle_items (circle, ref_sender, ref_seq);
CREATE TABLE circle_outbox (
    id INTEGER PRIMARY KEY,
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    ref_sender BLOB,
    ref_seq INTEGER,
    created_us INTEGER NOT NULL,
    -- Roster changes travel in the epoch before the one they start (its readers must read
    -- them); NULL means the newest epoch at sealing time.
    epoch BLOB,
    seq INTEGER,
    name TEXT,
    raw BLOB,
    sent INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE circle_invites (
    secret BLOB PRIMARY KEY,
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    created_us INTEGER NOT NULL,
    expires_us INTEGER NOT NULL,
    used_by BLOB,
    welcomed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE circle_peers (
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    member BLOB NOT NULL,
    verified INTEGER NOT NULL DEFAULT 0,
    muted INTEGER NOT NULL DEFAULT 0,
    key_alert INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (circle, member)
) WITHOUT ROWID;
-- What sync noticed: rejected objects, forks, gaps, rollback, key changes; counted, never lost.
CREATE TABLE circle_events (
    id INTEGER PRIMARY KEY,
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    member BLOB NOT NULL DEFAULT x'',
    seq INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL,
    first_us INTEGER NOT NULL,
    last_us INTEGER NOT NULL,
    count INTEGER NOT NULL DEFAULT 1,
    acknowledged INTEGER NOT NULL DEFAULT 0,
    UNIQUE (circle, kind, member, seq, reason)
);
"""

# The rollback check reads this device's newest sent messages on every sync: an index, not a
# scan and sort of the whole outbox (which grows by one row per message ever sent).
_V2 = """
CREATE INDEX circle_outbox_by_state ON circle_outbox (circle, sent, seq);
"""

# Protocol version 2 (sync/agreement.py): the latest roster view each member declared, what
# this device carried to them, and the refused admissions it has told the newcomer about.
_V3 = """
CREATE TABLE circle_views (
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    member BLOB NOT NULL,
    seq INTEGER NOT NULL,
    ops BLOB NOT NULL,
    heads TEXT NOT NULL,
    saw_me INTEGER NOT NULL,
    differs_since INTEGER,
    carry_outbox INTEGER,
    carried TEXT,
    mine_at BLOB,  -- this device's own view when it first saw theirs differ
    PRIMARY KEY (circle, member)
) WITHOUT ROWID;
CREATE TABLE circle_told (
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    epoch BLOB NOT NULL,
    PRIMARY KEY (circle, epoch)
) WITHOUT ROWID;
"""

# Protocol version 2 envelopes (sync/locate.py): each member's chain in each epoch (the index
# and hash of their next and last message there), and where this device's own messages went
# (a slot occupied by junk moves them to the next try).
_V4 = """
CREATE TABLE circle_slots (
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    member BLOB NOT NULL,
    epoch BLOB NOT NULL,
    next INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (circle, member, epoch)
) WITHOUT ROWID;
ALTER TABLE circle_outbox ADD COLUMN sent_epoch BLOB;
ALTER TABLE circle_outbox ADD COLUMN idx INTEGER;
ALTER TABLE circle_outbox ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
"""

# Forward secrecy (sync/forward_secrecy.py): this device's receiving keys (a fresh X25519 key
# for each epoch, so an epoch key cannot be unwrapped again once the private key is deleted),
# the receiving key each member last announced, when an epoch ended for this device and
# whether its key was forgotten (the row stays, with an empty key, so it is never reopened),
# which receiving key opened it, and how long a circle keeps the keys of epochs that ended.
_V5 = """
CREATE TABLE circle_recv_keys (
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    public BLOB NOT NULL,
    private BLOB NOT NULL,
    created_us INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    used_us INTEGER,
    PRIMARY KEY (circle, public)
) WITHOUT ROWID;
CREATE TABLE circle_recv_public (
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    member BLOB NOT NULL,
    public BLOB NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (circle, member)
) WITHOUT ROWID;
-- Epochs this device started with a key wrapped to someone's identity key (nobody had heard
-- a receiving key of theirs yet): started again once everyone has announced one.
CREATE TABLE circle_identity_wraps (
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    epoch BLOB NOT NULL,
    PRIMARY KEY (circle, epoch)
) WITHOUT ROWID;
ALTER TABLE circle_epoch_keys ADD COLUMN learnt_us INTEGER;
ALTER TABLE circle_epoch_keys ADD COLUMN ended_us INTEGER;
ALTER TABLE circle_epoch_keys ADD COLUMN forgotten_us INTEGER;
ALTER TABLE circle_epoch_keys ADD COLUMN recv BLOB;  -- the receiving key that opened it
ALTER TABLE circles ADD COLUMN forget_after_days INTEGER NOT NULL DEFAULT 30;
"""

# Device sync (docs/protocol.md §11.1): a person's devices are a circle of kind "devices",
# whose messages carry batches of operations. The engine keeps the batches it authenticated
# here until the vault's replica (companion/devices) has merged them.
_V6 = """
ALTER TABLE circles ADD COLUMN kind TEXT NOT NULL DEFAULT 'circle'
    CHECK (kind IN ('circle', 'devices'));
CREATE TABLE device_inbox (
    circle BLOB NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    sender BLOB NOT NULL,
    seq INTEGER NOT NULL,
    batch BLOB NOT NULL,
    PRIMARY KEY (circle, sender, seq)
) WITHOUT ROWID;
"""

# A group of devices removes its messages once every device has read them
# (sync/compaction.py); the row stays (its sequence number and name are part of the chain).
_V7 = """
ALTER TABLE circle_outbox ADD COLUMN pruned INTEGER NOT NULL DEFAULT 0;
"""

# A sent message's body (the plaintext it was sealed from) is read by nothing once the storage
# has the sealed bytes: it is emptied when sent (sync/engine.py), and here for those sent
# before. Left in place it made every column stored after it a walk through its overflow
# pages (a device group's batch is a quarter of a megabyte), in queries run every round.
_V8 = """
UPDATE circle_outbox SET data = '' WHERE sent = 1 AND data != '';
"""

CIRCLES = Component(COMPONENT, (sql_step(1, _V1), sql_step(2, _V2), sql_step(3, _V3),
                                sql_step(4, _V4), sql_step(5, _V5), sql_step(6, _V6),
                                sql_step(7, _V7), sql_step(8, _V8)))
