"""APScheduler 3, one job per person, in a SQLAlchemyJobStore.

Run as `python -m bench.aps_sqlalchemy --people N`; prints one JSON line of figures.
The job table is a SQLite file; restart loads it back.
"""

from bench.aps import main

if __name__ == "__main__":
    main("sqlalchemy")
