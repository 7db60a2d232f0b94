-- Leaderboard visibility per quiz, and the immutable published snapshots. The boards
-- themselves live in Redis (or in process) and are rebuilt from `attempts` at any time.

CREATE TABLE board_states (
    quiz_id       TEXT PRIMARY KEY REFERENCES quizzes (id),
    state         TEXT NOT NULL,      -- hidden | live | frozen | published
    frozen_at     BIGINT,             -- the cut-off public readers see while frozen
    published_at  BIGINT,
    -- Set when recording into the board failed: the next reader rebuilds it.
    stale         BIGINT NOT NULL DEFAULT 0,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE board_snapshots (
    quiz_id       TEXT PRIMARY KEY REFERENCES quizzes (id),
    published_at  BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    body          TEXT NOT NULL       -- the canonical JSON whose SHA-256 is published
);
