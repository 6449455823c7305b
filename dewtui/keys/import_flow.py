"""The import wizard's flow: dialog → engine call (worker) → next dialog.

The dialogs (`dewtui.keys.import_wizard`) only return requests; this module makes the
engine calls between them with `call_engine`, as the screen does for every other dialog:
create the external key (step 1), get import parameters and save them (step 2), show the
commands (step 3), read the wrapped files and import (step 4). A refused import re-opens
step 4 with the refusal written in it (the token is not spent by a refused call), so a
wrong file can be fixed without starting over. A key left in Pending import is picked up
again from its row (`reopen_import`), from step 2 with fresh parameters. Closing the wizard
after step 2 and before importing invalidates its token (`abandon`), as the guide says: the
wrapping key is destroyed at once and the files saved for the token can no longer import.
"""
from __future__ import annotations

from typing import Callable

from dewtui.keys.import_files import default_directory, read_b64, save_import_items
from dewtui.keys.requests import ImportMaterialRequest, ImportTarget, SavedItems, WrappingRequest
from engine import DewError, KeyState
from engine.catalog import SPECS

After = Callable[[], None]


def import_key_flow(screen, after: After) -> None:
    """From step 1 (which creates the key for imported material), then continue."""
    from dewtui.keys.import_wizard import ImportKeyDialog
    engine = screen.engine

    def create(k) -> None:  # the dialog created the key (the engine checked it there)
        if k is None:
            return
        screen.notify(f"Created key {k.key_alias} (Pending import)", timeout=4)
        after()
        wrapping_step(screen, ImportTarget(k.key_id, k.key_alias, k.key_spec), after)

    screen.app.push_screen(ImportKeyDialog(engine.settings.tags_per_resource), create)


def import_refusal(key) -> str:
    """Why material cannot be imported into `key` now ('' when it can)."""
    if key.origin != "external":
        return f"{key.key_alias} was created with generated material (origin kms): nothing to import"
    if key.key_state is not KeyState.PENDING_IMPORT:
        return f"{key.key_alias} is {key.state_label}: material is imported into Pending import keys"
    return ""


def reopen_import(screen, key, after: After) -> None:
    """From step 2, for a key (KeyDetails) waiting in Pending import."""
    reason = import_refusal(key)
    if reason:
        screen.notify(reason, severity="warning", timeout=5)
        return
    wrapping_step(screen, ImportTarget(key.key_id, key.key_alias, key.key_spec), after)


def wrapping_step(screen, target: ImportTarget, after: After, directory: str | None = None,
                  error: str = "") -> None:
    from dewtui.keys.import_wizard import WrappingDialog
    kms = screen.engine.kms

    def fetch(req: WrappingRequest | None) -> None:
        if req is None:
            return

        def work() -> SavedItems:  # in the worker: RSA generation, then two small files
            params = kms.get_parameters_for_import(target.key_id, wrapping_algorithm=req.wrapping_algorithm,
                                                   wrapping_key_spec=req.wrapping_key_spec)
            public, token = save_import_items(req.directory, params.public_key, params.import_token)
            return SavedItems(target, req.wrapping_algorithm, req.directory, str(public), str(token),
                              params.import_token, params.expiration_time)

        screen.call_engine(work, label="import parameters", quiet=True,
                           done=lambda saved: commands_step(screen, saved, after),
                           failed=lambda e: wrapping_step(screen, target, after, req.directory,
                                                          f"• {e.code}: {e.message}"))

    screen.app.push_screen(WrappingDialog(target, directory or default_directory(target.key_id), error), fetch)


def commands_step(screen, saved: SavedItems, after: After) -> None:
    from dewtui.keys.import_wizard import CommandsDialog

    def go(ok: bool | None) -> None:
        if ok:
            material_step(screen, saved, after)
        else:
            abandon(screen, saved)

    screen.app.push_screen(CommandsDialog(saved), go)


def abandon(screen, saved: SavedItems) -> None:
    """The wizard closed before importing: invalidate the token it holds."""
    kms, key_id, token = screen.engine.kms, saved.target.key_id, saved.import_token
    screen.call_engine(lambda: kms.cancel_import_token(key_id, token), label="cancel import",
                       success=f"Import cancelled: the import token for {saved.target.alias} no longer works")


def material_step(screen, saved: SavedItems, after: After, previous: ImportMaterialRequest | None = None,
                  error: str = "") -> None:
    from dewtui.keys.import_wizard import BACK, MaterialDialog
    kms = screen.engine.kms

    def do_import(req: ImportMaterialRequest | str | None) -> None:
        if req == BACK:
            commands_step(screen, saved, after)
            return
        if not isinstance(req, ImportMaterialRequest):
            abandon(screen, saved)
            return

        def work() -> None:
            material = read_b64(req.material_file, "key material" if saved.target.symmetric else "temporary material")
            private = None if SPECS[saved.target.key_spec].symmetric else read_b64(req.private_key_file or "",
                                                                                   "private key")
            kms.import_key_material(saved.target.key_id, saved.import_token, material,
                                    encrypted_privatekey=private, expiration_time=req.expiration_time)

        def refused(e: DewError) -> None:
            material_step(screen, saved, after, req, f"• {e.code}: {e.message}")

        screen.call_engine(work, label="import key material", success="Key imported successfully",
                           done=lambda _r: after(), failed=refused)

    screen.app.push_screen(MaterialDialog(saved, screen.engine.now(), previous, error), do_import)


def ask_delete_material(screen, key, after: After) -> None:
    """Confirm, then delete the imported material of an external symmetric key."""
    from dewtui.keys.delete_material_dialog import DeleteMaterialDialog, delete_material_refusal
    reason = delete_material_refusal(key)
    if reason:
        screen.notify(reason, severity="warning", timeout=5)
        return
    kms, key_id = screen.engine.kms, key.key_id

    def go(ok: bool | None) -> None:
        if ok:
            screen.call_engine(lambda: kms.delete_imported_key_material(key_id), label="delete key material",
                               success="Key material deleted successfully", done=lambda _r: after())

    screen.app.push_screen(DeleteMaterialDialog(key), go)
