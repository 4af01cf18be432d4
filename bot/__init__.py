"""HeroCoach: a chat coaching bot."""
