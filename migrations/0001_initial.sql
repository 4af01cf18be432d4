-- One row per platform identity: the same human on Telegram and Discord is two people.
CREATE TABLE people (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    chat_id      TEXT,
    timezone     TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (platform, user_id)
);

-- Where the next /hero session starts, and what the level rules remember between sessions.
CREATE TABLE progression (
    person_id          INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    level              TEXT NOT NULL,
    comfortable_streak INTEGER NOT NULL DEFAULT 0,
    needs_safety_check INTEGER NOT NULL DEFAULT 1,
    updated_at         TEXT NOT NULL
);

-- The practice log: every /hero session, open or ended.
CREATE TABLE hero_sessions (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    step        TEXT NOT NULL,
    round       INTEGER NOT NULL DEFAULT 0,
    start_level TEXT NOT NULL,
    level       TEXT NOT NULL,
    too_intense INTEGER NOT NULL DEFAULT 0,
    intensity   INTEGER,
    felt        TEXT,
    outcome     TEXT
);
CREATE INDEX hero_sessions_person ON hero_sessions (person_id, started_at);

CREATE TABLE questions (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    asked_at    TEXT NOT NULL,
    text        TEXT NOT NULL,
    faq_id      TEXT,
    confidence  REAL,
    outcome     TEXT NOT NULL,
    feedback    INTEGER,
    chat_id     TEXT,
    message_id  TEXT,
    answer      TEXT,
    answered_at TEXT,
    answered_by TEXT,
    relayed_at  TEXT
);
CREATE INDEX questions_open ON questions (outcome, answered_at);
CREATE INDEX questions_person ON questions (person_id, asked_at);

-- One-shot timers ("time's up"); claimed by setting fired_at before anything is sent.
CREATE TABLE timers (
    id        INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    ref       INTEGER,
    due_at    TEXT NOT NULL,
    fired_at  TEXT
);
CREATE INDEX timers_due ON timers (due_at) WHERE fired_at IS NULL;
