-- Browser sessions: an opaque cookie id, stored as its SHA-256. Each belongs to a refresh-token
-- family (sessions::start), so logout, a password change and disabling end it exactly as they
-- end an API session; the stamp is the user's security stamp when the session began.
CREATE TABLE web_sessions (
    id_hash         TEXT PRIMARY KEY,
    family_id       TEXT NOT NULL,
    user_id         TEXT NOT NULL REFERENCES users (id),
    security_stamp  TEXT NOT NULL,
    csrf_token      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
