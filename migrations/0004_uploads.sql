-- Pictures already sent to a platform, so each is uploaded once and then reused by reference:
-- a Telegram file_id, or a Discord attachment URL. media_key changes when the picture does
-- (it carries the PNG's digest), so a replaced illustration is uploaded afresh.
CREATE TABLE uploads (
    platform   TEXT NOT NULL,
    media_key  TEXT NOT NULL,
    ref        TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (platform, media_key)
);
