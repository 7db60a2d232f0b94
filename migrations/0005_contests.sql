-- Contests with recorded entries: media objects live in object storage under server-made keys;
-- these tables hold what is known about them, the moderation, judging and voting record and
-- the results snapshots. Same portable subset as the other migrations.

CREATE TABLE contests (
    id                    TEXT PRIMARY KEY,
    event_id              TEXT REFERENCES events (id),
    title                 TEXT NOT NULL,
    rules                 TEXT NOT NULL,
    opens_at              BIGINT NOT NULL,
    closes_at             BIGINT NOT NULL,
    media                 TEXT NOT NULL,      -- JSON ["audio", "video"]
    max_bytes             BIGINT NOT NULL,
    max_duration_s        BIGINT NOT NULL,
    max_entries_per_user  BIGINT NOT NULL,
    criteria              TEXT NOT NULL,      -- JSON [{key, title, weight, max_points}]
    judges_per_entry      BIGINT NOT NULL,
    voting_enabled        BIGINT NOT NULL,
    voting_opens_at       BIGINT,
    voting_closes_at      BIGINT,
    results_state         TEXT NOT NULL,      -- hidden | live | frozen | published
    results_changed_at    BIGINT,
    -- Bumped by every judge assignment pass: the conditional update serialises passes on
    -- both engines (a row lock on PostgreSQL, the write lock on SQLite).
    assignment_rev        BIGINT NOT NULL DEFAULT 0,
    created_by            TEXT NOT NULL REFERENCES users (id),
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX contests_event ON contests (event_id);

CREATE TABLE entries (
    id                  TEXT PRIMARY KEY,
    contest_id          TEXT NOT NULL REFERENCES contests (id),
    user_id             TEXT NOT NULL REFERENCES users (id),
    number              BIGINT NOT NULL,       -- 1 … max_entries_per_user
    title               TEXT NOT NULL,
    description         TEXT NOT NULL,
    status              TEXT NOT NULL,         -- draft | submitted | approved | rejected | disqualified
    media_id            TEXT,                  -- the current recording
    entrant_consent_at  BIGINT NOT NULL,
    guardian_name       TEXT,
    guardian_consent_at BIGINT,
    moderation_reason   TEXT,
    moderated_by        TEXT REFERENCES users (id),
    moderated_at        BIGINT,
    submitted_at        BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
-- The entry limit under concurrency: two requests cannot both take number N.
CREATE UNIQUE INDEX entries_number ON entries (contest_id, user_id, number);
CREATE INDEX entries_contest_status ON entries (contest_id, status);
CREATE INDEX entries_user ON entries (user_id);

-- Recordings, one row per stored object that belongs to an entry.
CREATE TABLE entry_media (
    id            TEXT PRIMARY KEY,
    entry_id      TEXT NOT NULL REFERENCES entries (id),
    object_key    TEXT NOT NULL,
    content_type  TEXT NOT NULL,              -- from the bytes, never from the client
    container     TEXT NOT NULL,
    kind          TEXT NOT NULL,              -- audio | video
    codecs        TEXT NOT NULL,              -- JSON ["opus", …]
    bytes         BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    duration_ms   BIGINT NOT NULL,
    display_name  TEXT NOT NULL,              -- the client's file name, sanitised; display only
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX entry_media_key ON entry_media (object_key);
CREATE INDEX entry_media_entry ON entry_media (entry_id);

-- Objects being written: a row exists from before the first byte reaches storage until the
-- media row commits (or the upload is cleaned up). Rows left by a crash are the janitor's.
CREATE TABLE media_uploads (
    object_key  TEXT PRIMARY KEY,
    entry_id    TEXT NOT NULL,
    started_at  BIGINT NOT NULL
);
CREATE INDEX media_uploads_started ON media_uploads (started_at);

CREATE TABLE entry_moderation (
    id          TEXT PRIMARY KEY,
    entry_id    TEXT NOT NULL REFERENCES entries (id),
    decision    TEXT NOT NULL,                -- approve | reject | disqualify
    reason      TEXT NOT NULL,
    decided_by  TEXT NOT NULL REFERENCES users (id),
    decided_at  BIGINT NOT NULL
);
CREATE INDEX entry_moderation_entry ON entry_moderation (entry_id);

CREATE TABLE contest_judges (
    contest_id  TEXT NOT NULL REFERENCES contests (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    added_by    TEXT NOT NULL REFERENCES users (id),
    added_at    BIGINT NOT NULL,
    PRIMARY KEY (contest_id, user_id)
);

-- One row per (entry, judge) assignment; the scores arrive on the same row.
CREATE TABLE entry_judges (
    entry_id      TEXT NOT NULL REFERENCES entries (id),
    judge_id      TEXT NOT NULL REFERENCES users (id),
    contest_id    TEXT NOT NULL REFERENCES contests (id),
    assigned_at   BIGINT NOT NULL,
    scores        TEXT,                       -- JSON {criterion_key: points}
    comment       TEXT,
    percent       DOUBLE PRECISION,           -- weighted percentage 0–100 of this judge
    scored_at     BIGINT,
    PRIMARY KEY (entry_id, judge_id)
);
CREATE INDEX entry_judges_judge ON entry_judges (judge_id, contest_id);
CREATE INDEX entry_judges_contest ON entry_judges (contest_id);

CREATE TABLE entry_votes (
    entry_id    TEXT NOT NULL REFERENCES entries (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    contest_id  TEXT NOT NULL REFERENCES contests (id),
    voted_at    BIGINT NOT NULL,
    PRIMARY KEY (entry_id, user_id)
);
CREATE INDEX entry_votes_contest ON entry_votes (contest_id);

-- Results snapshots: `frozen` is replaced by each freeze; `published` is written once and
-- never changes (the primary key refuses a second one).
CREATE TABLE contest_results (
    contest_id  TEXT NOT NULL REFERENCES contests (id),
    kind        TEXT NOT NULL,                -- frozen | published
    taken_at    BIGINT NOT NULL,
    body        TEXT NOT NULL,                -- canonical JSON of the items
    sha256      TEXT NOT NULL,                -- of `body`
    PRIMARY KEY (contest_id, kind)
);
