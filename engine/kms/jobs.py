"""Due work of the kms service, run by `Engine.run_due(now)`.

Each job is a plain, idempotent function `job(engine, now)` that claims its rows in one
write transaction, so two processes running it at once never do the same work twice.
"""
DUE_JOBS: tuple = ()
