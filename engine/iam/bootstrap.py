"""First-start set-up: the local account, its administrator, and the system policies (a
system policy added in a later version is added to an existing database at its next open).

Also brings an older database up to the account-scoped policy model: custom policies made
before policies belonged to an account become the local account's.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import inspect, text
from sqlmodel import Session, col, select

from engine.models.core import Account, Policy, User
from engine.rand import SystemRng

LOCAL_ACCOUNT = "local"
ADMIN_USER = "admin"

# All permissions for keys: data keys, tags and grants included.
_FULL_KEY_ACCESS = {"Version": "1.1", "Statement": [
    {"Effect": "Allow", "Action": ["kms:cmk:*", "kms:dek:*", "kms:cmkTag:*", "kms:grant:*"],
     "Resource": ["*"]}]}

# The system policies the guide names. Added at every open when missing, so an existing
# database gets a policy added here; their rows are MACed and cannot be changed through IAM.
# The guide lists no CSMS system policy (read-only or full): secrets are covered by
# `KMS Administrator` or by custom policies on `csms:*` actions.
SYSTEM_POLICIES = {
    # "Administrator permissions for the encryption key" (a role in the guide): every KMS
    # and CSMS action.
    "KMS Administrator": {"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["kms:*:*", "csms:*:*"], "Resource": ["*"]}]},
    # Named by the guide as the permission needed to create keys ("KMS CMKFullAccess or
    # higher permissions").
    "KMS CMKFullAccess": _FULL_KEY_ACCESS,
    # The guide's permission tables: "All permissions for the encryption keys", and its
    # authorization steps: "KMS CMK Admin (indicating full permissions for keys)". The guide
    # does not call it an alias of KMS CMKFullAccess, but documents the same rights, so it
    # holds the same document (a policy of its own: detaching one leaves the other).
    "KMS CMK Admin": _FULL_KEY_ACCESS,
}


def ensure_account(s: Session, rng: SystemRng, name: str, now: datetime) -> Account:
    acc = s.exec(select(Account).where(Account.name == name)).first()
    if acc is None:
        acc = Account(domain_id=rng.hex_id(16), name=name, created=now)
        s.add(acc)
        s.flush()
    return acc


def _upgrade_policy_accounts(s: Session, local: Account) -> None:
    columns = {c["name"] for c in inspect(s.connection()).get_columns(Policy.__tablename__)}
    if "domain_id" not in columns:
        s.execute(text(f"ALTER TABLE {Policy.__tablename__} "
                       "ADD COLUMN domain_id VARCHAR(64) NOT NULL DEFAULT ''"))
    for pol in s.exec(select(Policy).where(col(Policy.system) == False,  # noqa: E712
                                           Policy.domain_id == "")).all():
        pol.domain_id = local.domain_id
        s.add(pol)


def bootstrap(s: Session, rng: SystemRng, now: datetime) -> None:
    acc = ensure_account(s, rng, LOCAL_ACCOUNT, now)
    _upgrade_policy_accounts(s, acc)
    if s.exec(select(User).where(User.name == ADMIN_USER)).first() is None:
        s.add(User(user_id=rng.hex_id(16), name=ADMIN_USER, domain_id=acc.domain_id,
                   is_admin=True, created=now))
    for name, doc in SYSTEM_POLICIES.items():
        if s.exec(select(Policy).where(Policy.name == name)).first() is None:
            s.add(Policy(policy_id=rng.hex_id(16), name=name, document=json.dumps(doc),
                         system=True, created=now))
