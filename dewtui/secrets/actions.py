"""Secret actions shared by the secrets list and the secret detail screen.

Ask (dialog) → engine call in a worker (through `call_engine`) → toast → refresh the caller.
Backup files are written by the worker with mode 0600 (created that way, and tightened if
the file already existed): a blob holds sealed values only, but it is still a copy of a
secret and should not be readable by other local users.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from dewtui.secrets.requests import CreateSecretRequest, DeleteSecretRequest, FileRequest
from engine import DewError, KeyState

DEFAULT_KEY = "csms/default"   # Select value meaning "the csms/default key" (kms_key_id=None)
FILE_ERROR = "DEW.FILE"


def key_aliases(engine, key_ids: Iterable[str], known: Iterable[str] = ()) -> dict[str, str]:
    """Aliases of the KMS keys `key_ids` not already `known` (worker thread; unaudited listing).
    A key the user may not list, or that is gone, shows its short id instead."""
    out: dict[str, str] = {}
    for kid in sorted(set(key_ids) - set(known)):
        try:
            found = engine.kms.list_keys(search=kid, limit=5).keys
        except DewError:
            found = ()
        match = next((k for k in found if k.key_id == kid), None)
        out[kid] = match.key_alias if match else f"{kid[:8]} (gone)"
    return out


def key_choices(engine) -> list[tuple[str, str]]:
    """csms/default first, then every Enabled custom AES_256 key (worker thread)."""
    keys = engine.kms.list_keys(key_spec="AES_256", key_usage="ENCRYPT_DECRYPT",
                                key_state=KeyState.ENABLED, default_keys=False,
                                sort="key_alias", limit=1000).keys
    return [(DEFAULT_KEY, DEFAULT_KEY)] + [(k.key_alias, k.key_id) for k in keys]


def write_private(path: str, text: str) -> str:
    """Write `text` to `path` readable by its owner only; the absolute path written."""
    target = Path(path).expanduser()
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            os.fchmod(f.fileno(), 0o600)  # an existing file keeps its mode otherwise
            f.write(text)
    except OSError as e:
        raise DewError(FILE_ERROR, f"cannot write {target}: {e.strerror}", 400) from None
    return str(target)


def read_blob(path: str) -> str:
    target = Path(path).expanduser()
    try:
        return target.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) else "not a backup file"
        raise DewError(FILE_ERROR, f"cannot read {target}: {reason}", 400) from None


def create_secret_flow(screen, after: Callable[[object], None]) -> None:
    """The wizard (its projects and keys load meanwhile) → `create_secret` → toast → `after(secret)`."""
    from dewtui.secrets.create_wizard import CreateSecretWizard
    engine = screen.engine

    def create(req: CreateSecretRequest):
        return engine.csms.create_secret(req.name, **req.kwargs())

    def created(secret) -> None:
        if secret is not None:
            screen.app.notify(f"Created secret {secret.name}", timeout=4)
            after(secret)

    # the wizard shows at once; its project and key choices fill in from a worker
    wizard = CreateSecretWizard(None, None, engine.settings.tags_per_resource)
    screen.app.push_screen(wizard.checked_by(create, "create secret"), created)
    screen.call_engine(lambda: (engine.kms.list_enterprise_projects(), key_choices(engine)),
                       owner=wizard, label="list projects and keys", done=lambda c: wizard.set_choices(*c),
                       failed=lambda _e: wizard.set_choices(["default"], [(DEFAULT_KEY, DEFAULT_KEY)]),
                       quiet=True)


def ask_delete(screen, secret, after: Callable[[bool], None]) -> None:
    """Schedule deletion or delete now; `after(deleted_now)`."""
    from dewtui.secrets.delete_dialog import DeleteSecretDialog
    csms = screen.engine.csms

    def delete(req: DeleteSecretRequest) -> DeleteSecretRequest:
        if req.now:
            csms.delete_secret(req.name)
        else:
            csms.schedule_secret_deletion(req.name, req.days)
        return req

    def deleted(req: DeleteSecretRequest | None) -> None:
        if req is None:
            return
        screen.app.notify(f"Deleted secret {req.name}" if req.now
                          else f"Secret {req.name} will be deleted in {req.days} days", timeout=4)
        after(req.now)

    screen.app.push_screen(DeleteSecretDialog(secret.name).checked_by(delete, "delete secret"), deleted)


def ask_cancel_deletion(screen, secret, after: Callable[[object], None]) -> None:
    from dewtui.widgets.confirm import ConfirmDialog
    csms, name = screen.engine.csms, secret.name

    def go(ok: bool | None) -> None:
        if ok:
            screen.call_engine(lambda: csms.restore_secret(name), label="cancel deletion",
                               success=f"Cancelled deletion of {name}", done=after)

    screen.app.push_screen(ConfirmDialog("Cancel deletion", f"Keep secret {name}? It becomes Enabled "
                                         "again and its values can be read.", "Cancel deletion"), go)


def ask_download(screen, secret) -> None:
    from dewtui.secrets.backup_dialogs import DownloadBackupDialog, default_backup_path
    csms, name = screen.engine.csms, secret.name

    def go(req: FileRequest | None) -> None:
        if req is not None:
            screen.call_engine(lambda: write_private(req.path, csms.download_secret_blob(name)),
                               label="download backup", success=lambda p: f"Backup of {name} saved to {p}")

    screen.app.push_screen(DownloadBackupDialog(name, default_backup_path(name)), go)


def ask_restore(screen, after: Callable[[object], None], start: str | None = None) -> None:
    from dewtui.secrets.backup_dialogs import RestoreBackupDialog
    csms = screen.engine.csms

    def go(req: FileRequest | None) -> None:
        if req is not None:
            screen.call_engine(lambda: csms.upload_secret_blob(read_blob(req.path)),
                               label="restore backup", done=after,
                               success=lambda s: f"Restored secret {s.name}")

    screen.app.push_screen(RestoreBackupDialog(start), go)
