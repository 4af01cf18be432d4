"""The Telegram adapter: python-telegram-bot at the edge, the neutral core inside."""
