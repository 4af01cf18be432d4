"""Questions, answers and the coach's inbox."""
