-- A rotated refresh token keeps its successor sealed for its holder (issue 15): presented again
-- within 30 s, while the successor is unused, it yields the same successor instead of ending
-- the family (two tabs refreshing at once, a retry after a lost response).
ALTER TABLE refresh_tokens ADD COLUMN successor_sealed TEXT;
