-- Updates a platform pushed to us (Telegram webhooks), one row per update id, so an update
-- delivered twice (Telegram retrying, or two processes behind one load balancer) is handled
-- once. Rows older than a day are pruned: by then Telegram has stopped retrying.
CREATE TABLE seen_updates (
    platform  TEXT    NOT NULL,
    update_id INTEGER NOT NULL,
    seen_at   TEXT    NOT NULL,
    PRIMARY KEY (platform, update_id)
);
CREATE INDEX seen_updates_seen_at ON seen_updates (seen_at);
