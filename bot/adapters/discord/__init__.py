"""The Discord adapter: slash commands, ephemeral /hero sessions, DMs and replies, on discord.py."""
