"""Due work: the jobs registry (`jobs.py`) and the APScheduler trigger (`runner.py`)."""
