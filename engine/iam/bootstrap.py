"""First-start set-up: the local account, its administrator, and the system policies."""
from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session, select

from engine.models.core import Account, Policy, User
from engine.rand import SystemRng

LOCAL_ACCOUNT = "local"
ADMIN_USER = "admin"

SYSTEM_POLICIES = {
    "KMS Administrator": {"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["kms:*:*", "csms:*:*"], "Resource": ["*"]}]},
    "KMS CMKFullAccess": {"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["kms:cmk:*", "kms:dek:*", "kms:cmkTag:*", "kms:grant:*"],
         "Resource": ["*"]}]},
}


def ensure_account(s: Session, rng: SystemRng, name: str, now: datetime) -> Account:
    acc = s.exec(select(Account).where(Account.name == name)).first()
    if acc is None:
        acc = Account(domain_id=rng.hex_id(16), name=name, created=now)
        s.add(acc)
        s.flush()
    return acc


def bootstrap(s: Session, rng: SystemRng, now: datetime) -> None:
    acc = ensure_account(s, rng, LOCAL_ACCOUNT, now)
    if s.exec(select(User).where(User.name == ADMIN_USER)).first() is None:
        s.add(User(user_id=rng.hex_id(16), name=ADMIN_USER, domain_id=acc.domain_id,
                   is_admin=True, created=now))
    for name, doc in SYSTEM_POLICIES.items():
        if s.exec(select(Policy).where(Policy.name == name)).first() is None:
            s.add(Policy(policy_id=rng.hex_id(16), name=name, document=json.dumps(doc),
                         system=True, created=now))
