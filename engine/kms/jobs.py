"""Due work of the kms service, run by `Engine.run_due(now)`.

Each job is a plain, idempotent function `job(engine, now)` that claims its rows in one
write transaction, so two processes running it at once never do the same work twice.
"""
from engine.kms.import_jobs import cleanup_import_parameters, expire_imported_material
from engine.kms.rotation_job import rotate_due_keys
from engine.kms.deletion import delete_due_keys

DUE_JOBS: tuple = (
    delete_due_keys,
    expire_imported_material,
    cleanup_import_parameters,
    rotate_due_keys,
)
