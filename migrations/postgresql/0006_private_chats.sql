-- PostgreSQL twin of ../0006_private_chats.sql: the same table, with times stored as timestamptz.
CREATE TABLE private_chats (
    platform   text NOT NULL,
    user_id    text NOT NULL,
    channel_id text,
    closed_at  timestamptz,
    told_at    timestamptz,
    PRIMARY KEY (platform, user_id)
);
