-- Events, quizzes and attempts. Attempt timing is the server's: deadline_at is fixed at start
-- (start + time limit, capped by the quiz's close) and every change to an attempt is a
-- conditional update on its status.

CREATE TABLE events (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    starts_at    BIGINT NOT NULL,
    ends_at      BIGINT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE quizzes (
    id                    TEXT PRIMARY KEY,
    event_id              TEXT REFERENCES events (id),
    title                 TEXT NOT NULL,
    description           TEXT NOT NULL,
    opens_at              BIGINT NOT NULL,
    closes_at             BIGINT NOT NULL,
    time_limit_s          BIGINT NOT NULL,
    max_attempts          BIGINT NOT NULL,
    rules                 TEXT NOT NULL,      -- JSON [{bank, competence?, difficulty?, count}]
    shuffle_questions     BIGINT NOT NULL,
    shuffle_options       BIGINT NOT NULL,
    review                TEXT NOT NULL,
    audience_org_unit_id  TEXT REFERENCES org_units (id),
    ranking               TEXT NOT NULL,
    status                TEXT NOT NULL,      -- draft | published
    published_at          BIGINT,
    created_by            TEXT NOT NULL REFERENCES users (id),
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX quizzes_event ON quizzes (event_id);

CREATE TABLE attempts (
    id               TEXT PRIMARY KEY,
    quiz_id          TEXT NOT NULL REFERENCES quizzes (id),
    user_id          TEXT NOT NULL REFERENCES users (id),
    number           BIGINT NOT NULL,          -- 1 … max_attempts
    seed             TEXT NOT NULL,            -- the draw's random seed, for audits
    status           TEXT NOT NULL,            -- in_progress | submitted | expired
    -- quiz_id:user_id while in progress, NULL after: one attempt in progress per user and quiz.
    in_progress_key  TEXT,
    started_at       BIGINT NOT NULL,
    deadline_at      BIGINT NOT NULL,
    finished_at      BIGINT,
    graded_at        BIGINT,                   -- when the server graded it (finished_at may be the deadline)
    last_saved_at    BIGINT,
    question_count   BIGINT NOT NULL,
    score_milli      BIGINT,                   -- points × 1000, rounded per question
    max_score_milli  BIGINT NOT NULL,
    correct_count    BIGINT,
    duration_ms      BIGINT
);
CREATE UNIQUE INDEX attempts_number ON attempts (quiz_id, user_id, number);
CREATE UNIQUE INDEX attempts_in_progress ON attempts (in_progress_key);
CREATE INDEX attempts_due ON attempts (status, deadline_at);
CREATE INDEX attempts_user ON attempts (user_id, quiz_id);

-- The questions an attempt drew, in the order shown, each pinned to the version it served.
CREATE TABLE attempt_questions (
    attempt_id     TEXT NOT NULL REFERENCES attempts (id),
    position       BIGINT NOT NULL,
    question_key   TEXT NOT NULL,             -- bank_slug:question_id, the id clients see
    bank_slug      TEXT NOT NULL,
    question_id    TEXT NOT NULL,
    version        BIGINT NOT NULL,
    competence     TEXT NOT NULL,             -- the version's DigComp code, for reports
    option_order   TEXT NOT NULL,             -- JSON array of option ids as shown
    points_milli   BIGINT,                    -- filled when graded
    correct        BIGINT,
    PRIMARY KEY (attempt_id, position)
);
CREATE UNIQUE INDEX attempt_questions_key ON attempt_questions (attempt_id, question_key);

CREATE TABLE attempt_answers (
    attempt_id    TEXT NOT NULL REFERENCES attempts (id),
    question_key  TEXT NOT NULL,
    response      TEXT NOT NULL,              -- JSON
    saved_at      BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, question_key)
);
