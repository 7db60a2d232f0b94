-- Portable subset (SQLite and PostgreSQL): TEXT ids (UUIDv7), BIGINT unix-millisecond times,
-- BIGINT 0/1 booleans. See ARCHITECTURE.md "One SQL for two databases".

CREATE TABLE org_units (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL,
    code_key    TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parent_id   TEXT REFERENCES org_units (id),
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX org_units_code_key ON org_units (code_key);
CREATE INDEX org_units_parent ON org_units (parent_id);

CREATE TABLE users (
    id                    TEXT PRIMARY KEY,
    username              TEXT NOT NULL,
    username_key          TEXT NOT NULL,
    display_name          TEXT NOT NULL,
    password_hash         TEXT NOT NULL,
    role                  TEXT NOT NULL,
    org_unit_id           TEXT REFERENCES org_units (id),
    birth_year            BIGINT,
    disabled              BIGINT NOT NULL DEFAULT 0,
    must_change_password  BIGINT NOT NULL DEFAULT 0,
    security_stamp        TEXT NOT NULL,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (username_key);
CREATE INDEX users_org_unit ON users (org_unit_id);

-- Refresh tokens are stored only as SHA-256 hashes. A family is one sign-in: every rotation
-- adds a row to it and keeps its absolute expiry.
CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY,
    family_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    issued_at   BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    revoked_at  BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
