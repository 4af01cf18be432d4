-- PostgreSQL twin of ../0003_question_notices.sql.
CREATE TABLE question_notices (
    question_id bigint NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    platform    text NOT NULL,
    coach_id    text NOT NULL,
    message_id  text NOT NULL,
    PRIMARY KEY (platform, coach_id, message_id)
);
-- Deleting a question (as /forget does) finds its notices by this index.
CREATE INDEX question_notices_question ON question_notices (question_id);
