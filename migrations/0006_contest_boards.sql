-- Contest boards behind the Leaderboards interface. Every change to an entry's line on its
-- board (a vote, a score, a moderation decision) bumps `board_rev` in the same transaction;
-- the board keeps, per entry, the line with the highest revision, so updates that race or
-- arrive late cannot leave it behind the database.
ALTER TABLE entries ADD COLUMN board_rev BIGINT NOT NULL DEFAULT 0;
-- Raised when updating a contest's board failed: the next reader rebuilds it. A counter, so a
-- rebuild clears only the failures it has seen.
ALTER TABLE contests ADD COLUMN board_stale BIGINT NOT NULL DEFAULT 0;
-- An upload in progress refreshes this while it runs, so the janitor never takes it for an
-- orphan however long it lasts.
ALTER TABLE media_uploads ADD COLUMN alive_at BIGINT;
