-- PostgreSQL twin of ../0005_seen_updates.sql: the same table, with a 64-bit id and the time
-- stored as timestamptz.
CREATE TABLE seen_updates (
    platform  text        NOT NULL,
    update_id bigint      NOT NULL,
    seen_at   timestamptz NOT NULL,
    PRIMARY KEY (platform, update_id)
);
CREATE INDEX seen_updates_seen_at ON seen_updates (seen_at);
