"""APScheduler 3, one job per person, in a MemoryJobStore.

Run as `python -m bench.aps_memory --people N`; prints one JSON line of figures.
Restart re-adds every job from HeroCoach's database rows.
"""

from bench.aps import main

if __name__ == "__main__":
    main("memory")
