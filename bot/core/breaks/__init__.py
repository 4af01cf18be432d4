"""Sit-break nudge and daily reminder schedules: DST-safe rules and friendly input parsing."""
