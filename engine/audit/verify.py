"""Checking the audit trail's keyed hash chain: was any trace altered, removed or inserted?

The writer (writer.py) stores, per trace, `prev` (the chain value of the trace before) and
`chain = HMAC(k_audit, canonical(prev, fields))`, and the newest chain value in `meta`
(`audit_head`). Without the root key nobody can compute a valid chain value, so walking
the traces in `seq` order finds:

- altered: a trace whose chain value does not match its fields (the next trace still
  points at its stored chain value);
- inserted: a trace whose chain value does not match and which the chain skips (the next
  trace, or the head, points at the one before it);
- removed: a trace with a valid chain value whose `prev` is not the chain value of the
  trace before it (traces in between were deleted), or a head in `meta` that is not the
  last trace's chain value (the newest traces were deleted).

Retention pruning removes the oldest traces on purpose; it stores the anchor (seq and chain
value of the last pruned trace, with an HMAC so it cannot be forged) in `meta`
(`audit_anchor`); the first remaining trace must point at it ("" when nothing was pruned).
Deleting the newest traces *and* rewinding the head in `meta` is only detectable against a
head saved elsewhere: `eng.audit.head()` gives it, `verify(expected_head=...)` checks it.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from engine.audit.writer import AUDIT_HEAD, chain_value
from engine.codec import canonical
from engine.errors import DewError
from engine.models.core import AuditTrace, Meta

AUDIT_ANCHOR = "audit_anchor"
BATCH = 1000
MAX_SEQ = 2 ** 63 - 1
_SEQ = re.compile(r"[0-9]{1,19}")
_CHAIN = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class AuditHead:
    """The newest trace's position and chain value; save `str(head)` somewhere safe."""

    seq: int
    chain: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.chain}"

    @classmethod
    def parse(cls, value: Any) -> "AuditHead":
        """A saved head (`AuditHead`, `"seq:chain"` or `(seq, chain)`), checked; else CTS.0002.

        seq is a whole number 0..2**63-1 and chain 64 hex digits; only the head of a trail
        that never had a trace is `0:` (empty chain).
        """
        seq: Any
        chain: Any
        if isinstance(value, AuditHead):
            seq, chain = value.seq, value.chain
        elif isinstance(value, str):
            if len(value) > 128 or ":" not in value:
                raise _bad_head("expected 'seq:chain'")
            seq, chain = value.strip().split(":", 1)
        elif isinstance(value, (tuple, list)) and len(value) == 2:
            seq, chain = value
        else:
            raise _bad_head(f"expected an AuditHead or 'seq:chain', not {type(value).__name__}")
        n = _head_seq(seq)
        return cls(n, _head_chain(chain, n))


def _bad_head(why: str) -> DewError:
    return DewError("CTS.0002", f"invalid expected_head: {why}", 400)


def _head_seq(seq: Any) -> int:
    if isinstance(seq, str) and _SEQ.fullmatch(seq):
        seq = int(seq)
    if type(seq) is not int or not 0 <= seq <= MAX_SEQ:
        raise _bad_head(f"seq must be a whole number from 0 to {MAX_SEQ}")
    return seq


def _head_chain(chain: Any, seq: int) -> str:
    if not isinstance(chain, str):
        raise _bad_head("chain must be 64 hex digits")
    if chain == "" and seq == 0:
        return ""  # the head of a trail that never had a trace
    if not _CHAIN.fullmatch(chain):
        raise _bad_head("chain must be 64 hex digits")
    return chain.lower()


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int  # traces whose chain value was checked
    problem: str = ""  # "" | altered | inserted | removed | anchor
    seq: int | None = None  # the first trace found wrong (or next to the gap)
    trace_id: str = ""
    message: str = ""
    head: AuditHead | None = None

    @property
    def status(self) -> str:
        return "intact" if self.ok else self.problem


def anchor_mac(key: bytes, seq: int, chain: str) -> str:
    return hmac.new(key, canonical("audit-anchor", seq, chain), hashlib.sha256).hexdigest()


def anchor_value(key: bytes, seq: int, chain: str) -> str:
    return json.dumps({"seq": seq, "chain": chain, "mac": anchor_mac(key, seq, chain)}, sort_keys=True)


def read_anchor(s: Session, key: bytes) -> tuple[int, str, bool]:
    """(seq, chain, authentic) of the pruning anchor; (0, "", True) when nothing was pruned."""
    row = s.get(Meta, AUDIT_ANCHOR)
    if row is None or not row.value:
        return 0, "", True
    try:
        d = json.loads(row.value)
        seq, chain, mac = int(d["seq"]), str(d["chain"]), str(d["mac"])
    except (ValueError, KeyError, TypeError):
        return 0, "", False
    return seq, chain, hmac.compare_digest(mac, anchor_mac(key, seq, chain))


def _rows(s: Session):
    last = -1
    while True:
        batch = s.exec(select(AuditTrace).where(col(AuditTrace.seq) > last)
                       .order_by(col(AuditTrace.seq)).limit(BATCH)).all()
        yield from batch
        if len(batch) < BATCH:
            return
        last = int(batch[-1].seq or 0)


def _fail(problem: str, t: AuditTrace | None, checked: int, message: str,
          head: AuditHead | None, seq: int | None = None) -> VerifyResult:
    return VerifyResult(False, checked, problem, t.seq if t is not None else seq,
                        t.trace_id if t is not None else "", message, head)


def current_head(s: Session, key: bytes) -> AuditHead:
    last = s.exec(select(AuditTrace).order_by(col(AuditTrace.seq).desc()).limit(1)).first()
    if last is not None:
        return AuditHead(int(last.seq or 0), last.chain)
    seq, chain, _ = read_anchor(s, key)
    return AuditHead(seq, chain)


def verify_chain(s: Session, key: bytes, expected_head: AuditHead | None = None) -> VerifyResult:
    head = current_head(s, key)
    anchor_seq, anchor_chain, authentic = read_anchor(s, key)
    if not authentic:
        return _fail("anchor", None, 0, "the pruning anchor in meta was altered", head)
    meta = s.get(Meta, AUDIT_HEAD)
    meta_head = meta.value if meta else ""
    expected_prev, checked, suspect = anchor_chain, 0, None
    last: AuditTrace | None = None
    seen_expected: str | None = None
    for t in _rows(s):
        if suspect is not None:  # classify the bad trace by where the chain goes next
            bad, bad_prev = suspect
            if t.prev == bad_prev:
                return _fail("inserted", bad, checked, f"trace seq {bad.seq} was inserted", head)
            return _fail("altered", bad, checked, f"trace seq {bad.seq} was altered", head)
        checked += 1
        if not hmac.compare_digest(chain_value(key, t, t.prev), t.chain):
            suspect = (t, expected_prev)
            continue
        if t.prev != expected_prev:
            after = f"after seq {last.seq} " if last is not None else ""
            return _fail("removed", t, checked, f"traces {after}before seq {t.seq} were removed", head)
        if expected_head is not None and t.seq == expected_head.seq:
            seen_expected = t.chain
        expected_prev, last = t.chain, t
    if suspect is not None:
        bad, bad_prev = suspect
        if meta_head == bad_prev:
            return _fail("inserted", bad, checked, f"trace seq {bad.seq} was inserted", head)
        return _fail("altered", bad, checked, f"trace seq {bad.seq} was altered", head)
    if meta_head != expected_prev:
        after = f"after seq {last.seq}" if last is not None else "of the trail"
        return _fail("removed", None, checked, f"the newest traces {after} were removed "
                     "(the chain head in meta is not the last trace)", head,
                     seq=int(last.seq or 0) + 1 if last is not None else None)
    if expected_head is not None:
        problem = _against_saved(expected_head, seen_expected, last, anchor_seq, anchor_chain)
        if problem:
            return _fail("removed", None, checked, problem, head, seq=expected_head.seq)
    return VerifyResult(True, checked, head=head, message=f"{checked} traces intact")


def _against_saved(saved: AuditHead, seen: str | None, last: AuditTrace | None,
                   anchor_seq: int, anchor_chain: str) -> str:
    """"" when the saved head is still part of the chain, else what is wrong."""
    if seen is not None:
        return "" if hmac.compare_digest(seen, saved.chain) else \
            f"trace seq {saved.seq} is not the trace of the saved head: traces were replaced"
    if saved.seq == 0 and saved.chain == "":
        return ""
    if saved.seq == anchor_seq:
        return "" if saved.chain == anchor_chain else "the saved head does not match the pruned trail"
    if saved.seq < anchor_seq:
        return ""  # pruned by retention since the head was saved
    newest = last.seq if last is not None else anchor_seq
    return f"the saved head is seq {saved.seq} but the trail ends at seq {newest}: " \
           "the newest traces were removed"
