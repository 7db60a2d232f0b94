-- Resumable (tus 1.0) uploads of entry recordings. The bytes live in the object store as one
-- object per part received, so any server process can take the next PATCH; these rows say
-- which parts make the upload, how far it got, and which request is writing it now.
CREATE TABLE resumable_uploads (
    id             TEXT PRIMARY KEY,
    entry_id       TEXT NOT NULL REFERENCES entries (id),
    user_id        TEXT NOT NULL REFERENCES users (id),
    total_bytes    BIGINT NOT NULL,             -- Upload-Length
    received_bytes BIGINT NOT NULL DEFAULT 0,   -- Upload-Offset
    original_name  TEXT,                        -- from Upload-Metadata, sanitised when stored
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,             -- pushed back by every part received
    lease          TEXT,                        -- the request writing it now, if any
    lease_until    BIGINT,                      -- another request may take over after this
    media_id       TEXT                         -- the recording it became, once complete
);
CREATE INDEX resumable_uploads_entry ON resumable_uploads (entry_id);
CREATE INDEX resumable_uploads_expires ON resumable_uploads (expires_at);

CREATE TABLE resumable_parts (
    upload_id   TEXT NOT NULL REFERENCES resumable_uploads (id),
    starts_at   BIGINT NOT NULL,                -- its first byte's offset in the upload
    bytes       BIGINT NOT NULL,
    object_key  TEXT NOT NULL,
    PRIMARY KEY (upload_id, starts_at)
);
