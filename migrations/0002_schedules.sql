-- Sit-break nudges and daily practice reminders.

-- Set when delivery reports the person unreachable (blocked the bot, closed DMs).
ALTER TABLE people ADD COLUMN unreachable_at TEXT;
-- We ask for a time zone once; this remembers that we did.
ALTER TABLE people ADD COLUMN asked_timezone INTEGER NOT NULL DEFAULT 0;

-- One row per person and kind. next_due_at is the source of truth for the clock: NULL means
-- off or paused with no end; the sweep claims rows whose next_due_at has come.
CREATE TABLE schedules (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('breaks', 'reminder')),
    every_minutes  INTEGER,
    start_time     TEXT NOT NULL,
    end_time       TEXT,
    days           INTEGER NOT NULL,
    zone           TEXT NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    next_due_at    TEXT,
    paused_until   TEXT,
    paused_reason  TEXT,
    ignored_streak INTEGER NOT NULL DEFAULT 0,
    sent_count     INTEGER NOT NULL DEFAULT 0,
    day_count      INTEGER NOT NULL DEFAULT 0,
    count_day      TEXT,
    created_at     TEXT NOT NULL,
    UNIQUE (person_id, kind)
);
CREATE INDEX schedules_due ON schedules (next_due_at) WHERE next_due_at IS NOT NULL;

-- Each (schedule, due time) is claimed once, under the uniqueness rule, before it is sent:
-- a crash, a restart or a second process can never send the same slot twice.
CREATE TABLE nudges (
    id           INTEGER PRIMARY KEY,
    schedule_id  INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    due_at       TEXT NOT NULL,
    claimed_at   TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'claimed',
    movement_id  TEXT,
    response     TEXT,
    responded_at TEXT,
    UNIQUE (schedule_id, due_at)
);
CREATE INDEX nudges_person ON nudges (person_id, due_at);
