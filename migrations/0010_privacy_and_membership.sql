-- Issue 15, second part: who sees an entry's author, who may vote, who may join a unit.

-- When the public sees who made an entry: `after_results` (once published) or `always`.
ALTER TABLE contests ADD COLUMN show_authors TEXT NOT NULL DEFAULT 'after_results';
-- Who may vote: `members` (accounts placed in an org unit) or `any_account`.
ALTER TABLE contests ADD COLUMN voters TEXT NOT NULL DEFAULT 'members';

-- One live join code per unit, stored as the SHA-256 of its normalised text; issuing a new
-- one replaces it (rotation), deleting it revokes it.
CREATE TABLE org_join_codes (
    org_unit_id  TEXT PRIMARY KEY REFERENCES org_units (id),
    code_hash    TEXT NOT NULL,
    expires_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX org_join_codes_hash ON org_join_codes (code_hash);
