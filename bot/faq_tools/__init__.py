"""Offline FAQ tooling: measure the matcher on labelled questions and choose its settings.

Nothing here answers a question; the bot runs without it. `bot.core.faq` is the answering side.
"""
