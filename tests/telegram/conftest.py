"""Fixtures shared by the Telegram tests."""

from tests.telegram.balancer import proxy

__all__ = ["proxy"]
