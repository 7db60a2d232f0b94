-- Time allowances (issue 13): extra time on a quiz, or a later close, for one participant.
CREATE TABLE quiz_allowances (
    quiz_id        TEXT NOT NULL REFERENCES quizzes (id),
    user_id        TEXT NOT NULL REFERENCES users (id),
    extra_time_s   BIGINT NOT NULL DEFAULT 0,
    extra_close_s  BIGINT NOT NULL DEFAULT 0,
    granted_by     TEXT NOT NULL REFERENCES users (id),
    granted_at     BIGINT NOT NULL,
    PRIMARY KEY (quiz_id, user_id)
);
