-- A person's private chat with the bot, shared by every bot process: a Discord DM channel's id
-- (opening one costs a request, so it is looked up once) and whether their DMs are closed
-- (closed_at, set when a DM failed because of their privacy settings; told_at, when the bot
-- told them how to open DMs, once per closing). Keyed by identity, since a DM can be opened
-- before the person's first message creates their row; /forget deletes it with the person.
CREATE TABLE private_chats (
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    channel_id TEXT,
    closed_at  TEXT,
    told_at    TEXT,
    PRIMARY KEY (platform, user_id)
);
