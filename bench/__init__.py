"""HeroCoach's scheduling benchmark against one-job-per-person APScheduler (`make bench`)."""
