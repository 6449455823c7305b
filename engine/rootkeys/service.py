"""The audited road of the Engine's root key methods: passphrase set, change and removal,
sealing now, unsealing (with the wrong passphrases tried while sealed) and rotation.

Each call writes one trace (`setRootPassphrase`, `removeRootPassphrase`, `sealRootKey`,
`unsealRootKey`, `rotateRootKey`); a refusal is traced like any other (a wrong passphrase:
DEW.0002, without detail); one refused while sealed is traced when the root key is next
opened (failures.py). Passphrases never reach a trace: the requests name only what
kind of change it was. Changing the file, rotating and sealing are for administrators
(others: KMS.0306); sealing the engine is allowed to anyone who can act (it only locks).
All of it runs under the vault's lock, so two root key operations never interleave.

Rotation: a new key is written to `root.key.next` (sealed under the same passphrase when the
file is sealed), the database moves to it in one transaction (rotation.py), and only after
the commit does `root.key.next` replace `root.key`. If anything fails before the commit the
transaction rolls back and the next file is removed; pending.py settles a crash at any point.
No other process may have the data directory open meanwhile (holders.py); inside this
process the caller keeps other engine calls from running during it (the TUI pauses its
scheduler), since a call already under way when the rotation commits still uses the old key.
"""
from __future__ import annotations

from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from typing import Any

from engine.audit.verify import current_head
from engine.audit.writer import write_trace
from engine.errors import DewError
from engine.hsm.rootkey import (NEXT_FILE, checked_passphrase, plain_doc, promote_next,
                                replace_root_doc, sealed_doc_and_kek)
from engine.hsm.seal import Hsm
from engine.rootkeys import rotation
from engine.rootkeys.failures import clear_failures, pending_failures
from engine.rootkeys.pending import settle_pending_root
from engine.rootkeys.registry import CARRIED
from engine.service import Service

RESOURCE = "root-key"
WRONG_PASSPHRASE = "wrong passphrase for the root key"


@dataclass(frozen=True)
class RootRotation:
    """What a root key rotation did, and the audit head to save from now on."""

    fingerprint: str
    resealed: int
    restamped: int
    traces: int
    dropped: int
    audit_head: str


def _alone(vault) -> Any:
    """No other process may hold the root key while it rotates (holders.py)."""
    return vault.holder.exclusive() if vault.holder is not None else nullcontext()


class RootKeyService(Service):
    family = "KMS"
    default_resource_type = RESOURCE
    guarded = False  # passphrases must never reach a trace's request: each method checks its own

    @property
    def _vault(self):
        return self.ctx.vault

    def _admin_only(self, action: str) -> None:
        p = self.ctx.principal
        if not p.is_admin:
            raise DewError("KMS.0306", f"{p.name} has no permission for {action}: only an "
                                       "administrator may change the root key", 403)

    # --- passphrase ---------------------------------------------------------------------
    def set_passphrase(self, new: object, current: object = None) -> None:
        vault = self._vault
        with vault.lock:
            root = vault.root
            with self._call("setRootPassphrase", RESOURCE,
                            request={"change": root.protected}) as call:
                call.resource("root.key", "root.key")
                self._admin_only("setRootPassphrase")
                root.check_unchanged_on_disk()
                checked_passphrase(new, "seal the root key")
                if root.protected:
                    if current is None:
                        raise DewError("DEW.0006", "the current passphrase is needed to change it", 400)
                    root.check_passphrase(current)
                elif current is not None:
                    raise DewError("DEW.0004", "the root key is not passphrase-sealed yet: "
                                               "no current passphrase to give", 400)
                doc, kek = sealed_doc_and_kek(root.key, new, self.ctx.rng)
                replace_root_doc(root.path, doc, self.ctx.rng)
                root.sealed_doc, root.kek = doc, kek

    def remove_passphrase(self, current: object) -> None:
        vault = self._vault
        with vault.lock:
            root = vault.root
            with self._call("removeRootPassphrase", RESOURCE, request={}) as call:
                call.resource("root.key", "root.key")
                self._admin_only("removeRootPassphrase")
                root.check_unchanged_on_disk()
                if not root.protected:
                    raise DewError("DEW.0004", "the root key is not passphrase-sealed", 400)
                if current is None:
                    raise DewError("DEW.0006", "the current passphrase is needed to remove it", 400)
                root.check_passphrase(current)
                replace_root_doc(root.path, plain_doc(root.key), self.ctx.rng)
                root.sealed_doc = root.kek = None

    # --- sealing ------------------------------------------------------------------------
    def seal_now(self) -> None:
        vault = self._vault
        with vault.lock:
            with self._call("sealRootKey", RESOURCE, request={}) as call:
                call.resource("root.key", "root.key")
                if not vault.root.protected:
                    raise DewError("DEW.0004", "the root key is not passphrase-sealed: set a "
                                               "passphrase before sealing the engine", 400)
            vault.root.forget()
            vault.hsm = None
            db = self.ctx.db  # the row MAC key goes with the root key (derive_row_key brings it back)
            db._row_key = db._row_state = None

    def record_unseal(self) -> None:
        """Trace an unseal that opened the root key."""
        with self._call("unsealRootKey", RESOURCE, request={}) as call:
            call.resource("root.key", "root.key")

    def trace_failures(self) -> None:
        """Trace each wrong passphrase recorded while sealed (at its time), then forget them."""
        failures = pending_failures(self.ctx.home)
        if not failures:
            return
        p = self.ctx.principal
        with self.ctx.db.session() as s:
            for when in failures:
                write_trace(s, self.ctx.db, self.ctx.hsm.derive(rotation.AUDIT_PURPOSE),
                            trace_id=self.ctx.rng.uuid(), trace_name="unsealRootKey",
                            resource_type=RESOURCE, resource_id="root.key", resource_name="root.key",
                            rating="warning", code="DEW.0002", domain_id=p.domain_id, user=p.name,
                            source=self.ctx.source, time=when, request={},
                            response={"error_code": "DEW.0002"}, message=WRONG_PASSPHRASE)
        clear_failures(self.ctx.home)

    # --- rotation -----------------------------------------------------------------------
    def rotate(self) -> RootRotation:
        vault = self._vault
        home = self.ctx.home
        with vault.lock, ExitStack() as alone:
            root, old = vault.root, self.ctx.hsm
            new_key = self.ctx.rng.secret_bytes(32)
            new = Hsm(new_key, self.ctx.rng)
            new.carry({p: old.derive(p) for p in CARRIED})
            doc = None
            try:
                with self._call("rotateRootKey", RESOURCE, request={}) as call:
                    call.resource("root.key", "root.key")
                    call.own_trace = False  # written below, chained under the new key
                    self._admin_only("rotateRootKey")
                    alone.enter_context(_alone(vault))  # held until the key file is replaced
                    root.check_unchanged_on_disk()
                    if home is None:
                        raise DewError("DEW.0003", "the engine has no data directory to hold a new root key", 500)
                    doc = root.doc_for(new_key, self.ctx.rng)
                    replace_root_doc(home / NEXT_FILE, doc, self.ctx.rng)
                    rotation.checkpoint("next written")
                    counts = rotation.reseal_database(call.s, old, new)
                    p = self.ctx.principal
                    response = {"resealed": counts.resealed, "restamped": counts.restamped,
                                "traces": counts.traces, "dropped": counts.dropped}
                    write_trace(call.s, self.ctx.db, new.derive(rotation.AUDIT_PURPOSE),
                                trace_id=self.ctx.rng.uuid(), trace_name="rotateRootKey",
                                resource_type=RESOURCE, resource_id="root.key", resource_name="root.key",
                                rating="normal", code="200", domain_id=p.domain_id, user=p.name,
                                source=self.ctx.source, time=call.now, request={}, response=response)
                    rotation.checkpoint("before commit")
            except BaseException:
                if doc is not None and home is not None:
                    settle_pending_root(vault, self.ctx.db, home)  # commit failed or not: the DB decides
                raise
            vault.hsm = new  # at once: this process's next calls seal and MAC under the new key
            self.ctx.db.derive_row_key(new)
            root.key = new_key
            rotation.checkpoint("committed")
            promote_next(home)  # type: ignore[arg-type]
            rotation.checkpoint("renamed")
            if root.protected:
                root.sealed_doc = doc
            with self.ctx.db.session(write=False) as s2:
                head = current_head(s2, new.derive(rotation.AUDIT_PURPOSE))
            return RootRotation(new.fingerprint(), counts.resealed, counts.restamped,
                                counts.traces, counts.dropped, str(head))
