"""At open: a `root.key.next` left by an interrupted rotation either is the database's key
(the rotation committed, the rename did not happen) and replaces `root.key`, or is not (the
rotation never committed) and is deleted. Either way one root key opens the database.

Which one is decided by the fingerprint the database records: the file whose key has that
fingerprint wins. When neither does, nothing is touched (the open is refused later, as for
any other foreign root key).
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from engine.errors import DewError
from engine.facade import FINGERPRINT
from engine.hsm.rootkey import (NEXT_FILE, RootKeyFile, discard_next, open_with_kek, promote_next,
                                read_root_doc)
from engine.hsm.rootkey_doc import PLAIN_KIND, plain_key
from engine.hsm.seal import Hsm
from engine.models.core import Meta




def database_fingerprint(db) -> str | None:
    if not inspect(db.engine).has_table("meta"):
        return None
    with db.session(write=False) as s:
        row = s.get(Meta, FINGERPRINT)
        return row.value if row is not None else None


def _next_key(root: RootKeyFile, doc: dict) -> bytes | None:
    if doc["kind"] == PLAIN_KIND:
        return plain_key(doc)
    if root.kek is None:
        return None
    try:
        return open_with_kek(doc, root.kek)
    except DewError:
        return None


def settle_pending_root(vault, db, home: Path) -> None:
    """Resolve a leftover `root.key.next` against the database (see the module docstring).

    `vault.root` must be unsealed; when the next key wins, the vault holds it afterwards."""
    path = home / NEXT_FILE
    if not path.exists():
        return
    root: RootKeyFile = vault.root
    assert root.key is not None
    wanted = database_fingerprint(db)
    try:
        doc = read_root_doc(path)
    except (DewError, FileNotFoundError):
        doc = None
    key = _next_key(root, doc) if doc is not None else None
    if key is not None and wanted is not None and Hsm(key, vault.rng).fingerprint() == wanted:
        promote_next(home)
        root.key = key
        root.sealed_doc = None if doc is None or doc["kind"] == PLAIN_KIND else doc
        vault.hsm = Hsm(key, vault.rng)
    elif wanted is not None and Hsm(root.key, vault.rng).fingerprint() == wanted:
        discard_next(home)  # the rotation never committed: the old root stays
