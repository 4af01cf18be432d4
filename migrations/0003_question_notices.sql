-- The coach's notices about passed-on questions: a coach's reply to one answers that
-- question, found by the notice's platform message id rather than by reading its text.
CREATE TABLE question_notices (
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    platform    TEXT NOT NULL,
    coach_id    TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    PRIMARY KEY (platform, coach_id, message_id)
);
CREATE INDEX question_notices_question ON question_notices (question_id);
