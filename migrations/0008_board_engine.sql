-- One board engine for quiz boards and contest results: one staleness counter per board
-- (cleared by compare-and-set after a rebuild) and one table of sealed snapshots (the
-- canonical JSON that a `frozen` or `published` board serves, and its SHA-256).
CREATE TABLE board_marks (
    board  TEXT PRIMARY KEY,          -- the board's namespace, e.g. {quiz:ID}:live, {contest:ID}
    stale  BIGINT NOT NULL DEFAULT 0
);

INSERT INTO board_marks (board, stale)
    SELECT '{quiz:' || quiz_id || '}:live', stale FROM board_states WHERE stale <> 0;
INSERT INTO board_marks (board, stale)
    SELECT '{contest:' || id || '}', board_stale FROM contests WHERE board_stale <> 0;

ALTER TABLE board_states DROP COLUMN stale;
ALTER TABLE contests DROP COLUMN board_stale;

CREATE TABLE board_snapshots_sealed (
    board     TEXT NOT NULL,          -- quiz:ID or contest:ID
    kind      TEXT NOT NULL,          -- frozen | published
    taken_at  BIGINT NOT NULL,
    body      TEXT NOT NULL,          -- canonical JSON: keys sorted, no whitespace
    sha256    TEXT NOT NULL,          -- of `body`, hex
    PRIMARY KEY (board, kind)
);

INSERT INTO board_snapshots_sealed (board, kind, taken_at, body, sha256)
    SELECT 'quiz:' || quiz_id, 'published', published_at, body, sha256 FROM board_snapshots;
INSERT INTO board_snapshots_sealed (board, kind, taken_at, body, sha256)
    SELECT 'contest:' || contest_id, kind, taken_at, body, sha256 FROM contest_results;

DROP TABLE board_snapshots;
DROP TABLE contest_results;
ALTER TABLE board_snapshots_sealed RENAME TO board_snapshots;

-- Bumped whenever a contest's rubric changes: a judge's score is saved only against the
-- rubric it was checked with, and the rubric cannot change once a score exists (both take
-- the contest row's lock before checking the other).
ALTER TABLE contests ADD COLUMN rubric_rev BIGINT NOT NULL DEFAULT 0;
