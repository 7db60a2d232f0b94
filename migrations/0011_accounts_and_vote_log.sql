-- Issue 15, third part: one-time passwords that expire, pseudonyms for roster names, and a
-- vote log organizers can read for bursts.

-- When an imported account's one-time password stops working (NULL: no one-time password).
ALTER TABLE users ADD COLUMN password_expires_at BIGINT;
-- 1 once she picked her display name herself; a roster's name (0) is not shown to the public.
ALTER TABLE users ADD COLUMN display_name_chosen BIGINT NOT NULL DEFAULT 1;
UPDATE users SET display_name_chosen = 0 WHERE must_change_password = 1;

-- Every vote cast and withdrawn, in order: the vote table keeps only the current ones. The
-- address is kept as a keyed hash of its limit key (an IPv4 address or an IPv6 /64), enough
-- to see many votes coming from one place without keeping anyone's address.
CREATE TABLE vote_events (
    id            TEXT PRIMARY KEY,
    contest_id    TEXT NOT NULL REFERENCES contests (id),
    entry_id      TEXT NOT NULL REFERENCES entries (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    action        TEXT NOT NULL,
    address_group TEXT NOT NULL,
    at            BIGINT NOT NULL
);
CREATE INDEX vote_events_contest ON vote_events (contest_id, at);
