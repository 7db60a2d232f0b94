-- Question banks. `questions` holds the current version of each question; every version ever
-- served stays in `question_versions`, so an attempt grades on exactly what it showed.

CREATE TABLE banks (
    slug        TEXT PRIMARY KEY,
    title       TEXT NOT NULL,   -- JSON {vi, en}
    version     BIGINT NOT NULL,
    source      TEXT NOT NULL,   -- the file it was loaded from, or 'import'
    updated_at  BIGINT NOT NULL
);

CREATE TABLE questions (
    bank_slug     TEXT NOT NULL REFERENCES banks (slug),
    question_id   TEXT NOT NULL,
    version       BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    competence    TEXT NOT NULL,
    difficulty    BIGINT NOT NULL,
    points        BIGINT NOT NULL,
    content_hash  TEXT NOT NULL,
    retired       BIGINT NOT NULL DEFAULT 0,  -- no longer in the bank: never drawn again
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (bank_slug, question_id)
);
CREATE INDEX questions_draw ON questions (bank_slug, retired, competence, difficulty);

CREATE TABLE question_versions (
    bank_slug     TEXT NOT NULL,
    question_id   TEXT NOT NULL,
    version       BIGINT NOT NULL,
    content_hash  TEXT NOT NULL,
    body          TEXT NOT NULL,  -- the question as JSON, answer key included
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (bank_slug, question_id, version)
);
