-- PostgreSQL twin of ../0004_uploads.sql: the same table, with the time stored as timestamptz.
CREATE TABLE uploads (
    platform   text NOT NULL,
    media_key  text NOT NULL,
    ref        text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (platform, media_key)
);
