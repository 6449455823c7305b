"""Access keys (AK/SK): the credentials a program signs its cloud SDK requests with, and the
check of such a signature (`Engine.authenticate`).

Managing keys (`eng.iam.create_access_key|list_access_keys|update_access_key|
delete_access_key`) is IAM like the rest: audited through the unit of work, actions
`iam:credentials:create|list|update|delete` on `IAM:<region>:<account>:user:<name>`. A user
may manage its own keys without a policy (unless a policy denies it); anyone else's need the
action (an administrator has it for every user of its account); another account's user or
key is refused like an unknown one. A user holds at most `MAX_KEYS_PER_USER` keys.

The secret (SK, 40 letters and digits from the CSPRNG) is returned once, by
`create_access_key`, and stored only sealed under the root key
(`hsm.seal(sk, "access-key", access)`): never in a trace, a message or a repr.

Checking a signed request writes nothing when it refuses: a bad or unknown key, an inactive
key, a signature that does not match or an `X-Sdk-Date` more than 15 minutes from the clock
all answer `APIGW.0301` (401) with one wording, so a refusal says nothing about which part
failed except a stale date; a project id that is not the key owner's account answers
`APIGW.0302` (403), only once the signature is good. `GATEWAY_CODES` lists them.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from engine import rowload
from engine.context import Context
from engine.errors import DewError
from engine.iam.decision import decide, refusal
from engine.iam.lookups import INVALID, NOT_FOUND, IamLookups, check_user_name
from engine.iam.principal import Principal
from engine.models.access_keys import AccessKey, AccountProject
from engine.models.core import User
from engine.service import Call

log = logging.getLogger("engine")

ACCESS_ALPHABET = string.ascii_uppercase + string.digits
ACCESS_LENGTH = 20
SECRET_ALPHABET = string.ascii_letters + string.digits
SECRET_LENGTH = 40
SEAL_LABEL = "access-key"  # hsm.seal(sk, SEAL_LABEL, access): what root-key rotation re-seals
STATUSES = ("active", "inactive")
MAX_KEYS_PER_USER = 2  # the cloud's limit of permanent access keys per user
MAX_DESCRIPTION = 255
QUOTA = "IAM.0010"
ACCESS_RE = re.compile(r"[A-Z0-9]{20}")
_DESCRIPTION_RE = re.compile(r"[^\x00-\x1f\x7f]*")

SIGNING_ALGORITHM = "SDK-HMAC-SHA256"
SDK_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_CLOCK_SKEW = timedelta(minutes=15)
MAX_STRING_TO_SIGN = 8192
LAST_USED_EVERY = timedelta(minutes=5)  # last_used_at is refreshed at most this often

# The API gateway's refusals of a request's credentials (documented in the README).
UNAUTHENTICATED = "APIGW.0301"
WRONG_PROJECT = "APIGW.0302"


@dataclass(frozen=True)
class GatewayCode:
    code: str
    http_status: int
    when: str


GATEWAY_CODES: tuple[GatewayCode, ...] = (
    GatewayCode(UNAUTHENTICATED, 401, "no or malformed Authorization header, unknown or inactive "
                                      "access key, signature mismatch, X-Sdk-Date more than 15 "
                                      "minutes from the server's clock"),
    GatewayCode(WRONG_PROJECT, 403, "the path's project id is not the access key owner's account"),
)
_BAD_CREDENTIALS = "Incorrect IAM authentication information: the access key or signature is not valid"
_DUMMY_KEY = b"\0" * 32


@dataclass(frozen=True)
class AccessKeyInfo:
    access: str
    user_name: str
    status: str
    description: str
    created_at: datetime
    last_used_at: datetime | None = None


@dataclass(frozen=True)
class AccessKeyCreated:
    """The only place a secret access key is ever returned (not in its repr)."""

    access: str
    secret: str = field(repr=False)
    user_name: str
    status: str
    description: str
    created_at: datetime


def _info(k: AccessKey, user_name: str) -> AccessKeyInfo:
    return AccessKeyInfo(k.access, user_name, k.status, k.description, k.created_at, k.last_used_at)


def _check_description(description: object) -> str:
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION \
            or not _DESCRIPTION_RE.fullmatch(description):
        raise DewError(INVALID, f"description must be text of at most {MAX_DESCRIPTION} "
                                "characters without control characters", 400)
    return description


def _check_access(access: object) -> str:
    if not isinstance(access, str) or not ACCESS_RE.fullmatch(access):
        raise DewError(INVALID, "access key id must be 20 upper-case letters or digits", 400)
    return access


class IamAccessKeys(IamLookups):
    """`eng.iam`'s access-key calls (mixed into IamService)."""

    def _may_manage(self, call: Call, verb: str, owner_name: str) -> None:
        """Refuse unless the principal may `verb` the keys of `owner_name` (its own: unless
        a policy denies it; anyone else's: `iam:credentials:<verb>`)."""
        action = f"iam:credentials:{verb}"
        target = self._iam(call, "user", owner_name)
        if owner_name != call.principal.name:
            call.authorize(action, target)
            return
        d = decide(call.s, call.principal, action, target)
        if not d.allowed and d.reason.startswith("denied"):
            raise refusal(call.principal, action, target, self.family)

    def _key(self, call: Call, access: object) -> tuple[AccessKey, User]:
        """An access key of the caller's account and its owner (another account's: unknown)."""
        _check_access(access)
        k = call.s.get(AccessKey, access)
        if k is not None and k.domain_id != call.principal.domain_id:
            call.other_accounts.add(k.domain_id)
            k = None
        owner = call.s.get(User, k.user_id) if k is not None else None
        if k is None or owner is None:
            raise DewError(NOT_FOUND, f"no access key {access} in this account", 404)
        return k, owner

    def _new_access(self, call: Call) -> str:
        while True:
            access = "".join(ACCESS_ALPHABET[b % len(ACCESS_ALPHABET)]
                             for b in self.ctx.rng.id_bytes(ACCESS_LENGTH))
            if call.s.get(AccessKey, access) is None:
                return access

    def create_access_key(self, user_name: str, description: str = "") -> AccessKeyCreated:
        """A new active access key for `user_name`; its secret is in the result only."""
        with self._call("createAccessKey", "iam", request={"user_name": user_name,
                                                           "description": description}) as call:
            call.resource("", user_name if isinstance(user_name, str) else "")
            check_user_name(user_name)
            self._may_manage(call, "create", user_name)
            _check_description(description)
            u = self._user(call, user_name)
            held = call.s.exec(select(func.count()).select_from(AccessKey)
                               .where(AccessKey.user_id == u.user_id)).one()
            if held >= MAX_KEYS_PER_USER:
                raise DewError(QUOTA, f"{user_name} already holds {MAX_KEYS_PER_USER} access keys, "
                                      "the most a user may hold", 400)
            access = self._new_access(call)
            secret = self.ctx.rng.choice(SECRET_ALPHABET, SECRET_LENGTH)
            k = AccessKey(access=access, user_id=u.user_id, domain_id=u.domain_id, status="active",
                          description=description, created_at=call.now,
                          secret_sealed=self.ctx.hsm.seal(secret.encode(), SEAL_LABEL, access))
            call.s.add(k)
            call.resource(access, u.name)
            call.response = {"access": access, "status": "active"}
            return AccessKeyCreated(access, secret, u.name, "active", description, call.now)

    def list_access_keys(self, user_name: str) -> list[AccessKeyInfo]:
        """The access keys of `user_name`, oldest first (never their secrets)."""
        with self._reading("listAccessKeys", "iam", request={"user_name": user_name}) as call:
            call.resource("", user_name if isinstance(user_name, str) else "")
            check_user_name(user_name)
            self._may_manage(call, "list", user_name)
            u = self._user(call, user_name)
            rows = call.s.exec(select(AccessKey).where(AccessKey.user_id == u.user_id)
                               .order_by(col(AccessKey.created_at), col(AccessKey.access))).all()
            return [_info(k, u.name) for k in rows]

    def update_access_key(self, access: str, status: str) -> AccessKeyInfo:
        """Make a key `active` or `inactive` (an inactive key signs nothing)."""
        with self._call("updateAccessKey", "iam", request={"access": access, "status": status}) as call:
            call.resource(access if isinstance(access, str) else "", "")
            k, owner = self._key(call, access)
            call.resource(k.access, owner.name)
            self._may_manage(call, "update", owner.name)
            if status not in STATUSES:
                raise DewError(INVALID, "status must be active or inactive", 400)
            if k.status != status:
                k.status = status
                call.s.add(k)
            call.response = {"status": status}
            return _info(k, owner.name)

    def delete_access_key(self, access: str) -> None:
        with self._call("deleteAccessKey", "iam", request={"access": access}) as call:
            call.resource(access if isinstance(access, str) else "", "")
            k, owner = self._key(call, access)
            call.resource(k.access, owner.name)
            self._may_manage(call, "delete", owner.name)
            call.s.delete(k)


# --- the account's project id -------------------------------------------------------------
def stored_project_id(ctx: Context, domain_id: str) -> str | None:
    """The project id of account `domain_id` if it was ever made (reads only)."""
    with ctx.db.session(write=False) as s:
        return _project_of(s, domain_id)


def _project_of(s: Session, domain_id: str) -> str | None:
    row = rowload.get(s, AccountProject, domain_id)
    return row.project_id if row is not None else None


def account_project_id(ctx: Context, domain_id: str) -> str:
    """The project id of account `domain_id`, made (and stored) on first need."""
    known = stored_project_id(ctx, domain_id)
    if known is not None:
        return known
    try:
        with ctx.db.session() as s:
            row = s.get(AccountProject, domain_id)
            if row is None:
                project_id = ctx.rng.hex_id(16)
                while s.exec(select(AccountProject).where(
                        AccountProject.project_id == project_id)).first() is not None:
                    project_id = ctx.rng.hex_id(16)
                row = AccountProject(domain_id=domain_id, project_id=project_id)
                s.add(row)
            return row.project_id
    except IntegrityError:  # another process made it at the same moment: theirs stands
        with ctx.db.session(write=False) as s:
            made = s.get(AccountProject, domain_id)
            if made is None:
                raise
            return made.project_id


# --- checking a signed request ------------------------------------------------------------
def _unauthenticated(message: str = _BAD_CREDENTIALS) -> DewError:
    return DewError(UNAUTHENTICATED, message, 401)


def _signed_time(string_to_sign: str) -> datetime:
    lines = string_to_sign.split("\n")
    if len(lines) != 3 or lines[0] != SIGNING_ALGORITHM:
        raise _unauthenticated()
    try:
        return datetime.strptime(lines[1], SDK_DATE_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        raise _unauthenticated() from None


def verify_signed_request(ctx: Context, access: object, string_to_sign: object, signature: object,
                          project_id: object) -> Principal:
    """The owner of `access` when `signature` is HMAC-SHA256(SK, string_to_sign) under an
    active key, the string's date is within 15 minutes of the clock and `project_id` is the
    owner's account's; else a gateway refusal. Writes nothing but a coarse last-used time."""
    if not (isinstance(access, str) and isinstance(string_to_sign, str)
            and isinstance(signature, str) and isinstance(project_id, str)):
        raise _unauthenticated()
    if not (access.isascii() and string_to_sign.isascii() and signature.isascii()
            and project_id.isascii()):
        raise _unauthenticated()
    if len(string_to_sign) > MAX_STRING_TO_SIGN or len(signature) > 128:
        raise _unauthenticated()
    now = ctx.clock.now()
    if abs(now - _signed_time(string_to_sign)) > MAX_CLOCK_SKEW:
        raise _unauthenticated("Incorrect IAM authentication information: the request time "
                               "(X-Sdk-Date) is more than 15 minutes from the server's time")
    hsm = ctx.hsm
    with ctx.db.session(write=False) as s:  # (rowload: one request is a few short reads)
        k = rowload.get(s, AccessKey, access) if ACCESS_RE.fullmatch(access) else None
        owner = rowload.get(s, User, k.user_id) if k is not None else None
        secret = hsm.open(k.secret_sealed, SEAL_LABEL, k.access) if k is not None else _DUMMY_KEY
        expected = hmac.new(secret, string_to_sign.encode(), hashlib.sha256).hexdigest()
        good = hmac.compare_digest(expected, signature.lower())
        if not good or k is None or owner is None or k.status != "active":
            raise _unauthenticated()
        principal = Principal(owner.user_id, owner.name, owner.domain_id, owner.is_admin)
        stale_use = k.last_used_at is None or now - k.last_used_at >= LAST_USED_EVERY
        own_project = _project_of(s, principal.domain_id) or ""  # none yet: none matches
    if not own_project or not hmac.compare_digest(own_project, project_id):
        raise DewError(WRONG_PROJECT, "The IAM user is not authorized to access the API: the "
                                      "project id is not the access key owner's", 403)
    if stale_use:
        _note_use(ctx, access, now)
    return principal


def _note_use(ctx: Context, access: str, now: datetime) -> None:
    """Refresh the key's last-used time (a hint for its owner; a failure costs nothing)."""
    try:
        with ctx.db.session() as s:
            k = s.get(AccessKey, access)
            if k is not None and (k.last_used_at is None or now - k.last_used_at >= LAST_USED_EVERY):
                k.last_used_at = now
                s.add(k)
    except Exception:
        log.warning("could not record the use of an access key", exc_info=False)


def keys_of_user(s: Session, user_id: str) -> int:
    """How many access keys user `user_id` owns (delete_user refuses while it owns any)."""
    return int(s.exec(select(func.count()).select_from(AccessKey)
                      .where(AccessKey.user_id == user_id)).one())


__all__ = ["AccessKeyInfo", "AccessKeyCreated", "IamAccessKeys", "GATEWAY_CODES", "UNAUTHENTICATED",
           "WRONG_PROJECT", "account_project_id", "verify_signed_request", "keys_of_user"]
