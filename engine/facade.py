"""`Engine`: the one way into dewtui's engine.

Opens the data directory (root key + database), checks the database belongs to this root
key, builds the services for the acting principal, and runs due work. The UI holds one
Engine; scripts and tests do the same. `as_user()` gives a view acting as another user,
sharing everything else.
"""
from __future__ import annotations

import os
import threading
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect
from sqlmodel import select

from engine.audit.writer import AUDIT_HEAD
from engine.clock import Clock, SystemClock
from engine.config import Settings
from engine.context import Context
from engine.datadir import create_private_file, ensure_data_dir, sqlite_file
from engine import schema_state
from engine.db import IAM_GENERATION, Database
from engine.errors import DewError, SealedError
from engine.hsm.rootkey import ROOT_KEY_FILE, RootKeyFile, load_or_create_root_key, missing_root_key
from engine.hsm.seal import Hsm
from engine.iam.bootstrap import ADMIN_USER, bootstrap
from engine.iam.principal import Principal
from engine.integrity import MARKER
from engine.models.core import Account, Meta, User
from engine.rand import SystemRng
from engine.rootkeys.failures import pending_failures

FINGERPRINT = "root_fingerprint"
DB_FILE = "dew.db"


def default_home() -> Path:
    env = os.environ.get("DEW_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir
    return Path(user_data_dir("dewtui", appauthor=False))


class _Vault:
    """Holds the root key (via the Hsm) once it is open; shared by all views of an Engine."""

    def __init__(self, root: RootKeyFile, rng: SystemRng, holder: Any = None) -> None:
        self.root = root
        self.holder = holder  # engine.rootkeys.holders.RootKeyHolder: this process has it open
        self.rng = rng
        self.hsm: Hsm | None = Hsm(root.key, rng) if root.key is not None else None
        self.lock = threading.RLock()


def _database_in_use(db: Database, home: Path, default_url: bool) -> bool:
    """Whether the database already belongs to a root key: then no new key may be made for it.

    The home's own SQLite file decides by existing; any other database by its fingerprint row
    (an SQLite file that does not exist yet is not opened, so not created, to ask)."""
    if default_url:
        return (home / DB_FILE).exists()
    db_file = sqlite_file(db.url)
    if db_file is not None and not db_file.exists():
        return False
    if not inspect(db.engine).has_table("meta"):
        return False
    with db.session(write=False) as s:
        return s.get(Meta, FINGERPRINT) is not None


def _open_root_key(home: Path, db: Database, default_url: bool, passphrase: str | None,
                   rng: SystemRng) -> RootKeyFile:
    """The home's root key; a missing one is created only when no database is waiting for it."""
    path = home / ROOT_KEY_FILE
    if not path.exists() and _database_in_use(db, home, default_url):
        raise missing_root_key(path)
    return load_or_create_root_key(home, passphrase, rng)


class Engine:
    """Facade over the services. Create with `Engine.open(...)`."""

    def __init__(self, ctx: Context, home: Path) -> None:
        self._ctx = ctx
        self.home = home
        self._services: dict[str, Any] = {}

    # --- opening -----------------------------------------------------------------------
    @classmethod
    def open(cls, home: str | Path | None = None, url: str | None = None, clock: Clock | None = None,
             rng: SystemRng | None = None, settings: Settings | None = None,
             passphrase: str | None = None, source: str = "api", run_due: bool = True) -> "Engine":
        home = Path(home).expanduser() if home else default_home()
        ensure_data_dir(home)
        default_url = f"sqlite:///{home / DB_FILE}"
        url = url or os.environ.get("DEW_DATABASE_URL") or default_url
        rng = rng or SystemRng()
        clock = clock or SystemClock()
        passphrase = passphrase if passphrase is not None else os.environ.get("DEW_PASSPHRASE")
        db = Database(url)
        try:
            try:
                root = _open_root_key(home, db, url == default_url, passphrase, rng)
            except DewError as e:
                if e.code == "DEW.0002":  # traced when the root key is next opened
                    from engine.rootkeys.failures import record_failure
                    record_failure(home, clock.now())
                raise
            db_file = sqlite_file(url)
            if db_file is not None:
                create_private_file(db_file)
            from engine.rootkeys.holders import RootKeyHolder
            holder = RootKeyHolder(home)
        except BaseException:
            db.dispose()
            raise
        vault = _Vault(root, rng, holder)
        placeholder = Principal("", "", "", False)
        ctx = Context(db=db, clock=clock, rng=rng, settings=settings or Settings(),
                      principal=placeholder, source=source, vault=vault, home=home)
        eng = cls(ctx, home)
        if vault.hsm is not None:
            try:
                eng._start(run_due)
            except BaseException:
                db.dispose()
                raise
        return eng

    def _start(self, run_due: bool) -> None:
        from engine.rootkeys.carried import load_carried
        from engine.rootkeys.pending import settle_pending_root
        settle_pending_root(self._ctx.vault, self._ctx.db, self.home)  # an interrupted rotation
        load_carried(self._ctx.db, self._ctx.hsm)
        db, hsm = self._ctx.db, self._ctx.hsm
        db.derive_row_key(hsm)  # protected rows are MACed and checked from here on
        fp = hsm.fingerprint()
        if inspect(db.engine).has_table("meta"):
            with db.session(write=False) as s:
                row = s.get(Meta, FINGERPRINT)
                if row is not None and row.value != fp:
                    raise DewError("DEW.0005", "this database belongs to another root key: refusing to open it", 403)
        checked = not schema_state.unchanged(db.engine, (IAM_GENERATION, MARKER))
        if checked:  # the models or the file moved since the last full check (engine.schema_state)
            db.create_all()
        with db.session() as s:
            if checked:
                schema_state.remember(s.connection())
            row = s.get(Meta, FINGERPRINT)
            if row is None:
                s.add(Meta(name=FINGERPRINT, value=fp))
            elif row.value != fp:
                raise DewError("DEW.0005", "this database belongs to another root key: refusing to open it", 403)
            if s.get(Meta, AUDIT_HEAD) is None:  # exists before any trace: writers lock it
                s.add(Meta(name=AUDIT_HEAD, value=""))
            bootstrap(s, self._ctx.rng, self._ctx.clock.now())
        self._ctx = self._ctx.with_principal(self._principal(ADMIN_USER))
        self._services.clear()  # rebuilt for the principal now known
        if pending_failures(self.home):  # wrong passphrases tried while it was sealed
            self._root_keys().trace_failures()
        if run_due:
            self.run_due()

    @property
    def sealed(self) -> bool:
        return self._ctx.vault.hsm is None

    def unseal(self, passphrase: str) -> None:
        vault = self._ctx.vault
        with vault.lock:
            if vault.hsm is not None:
                return
            try:
                key = vault.root.unseal(passphrase)
            except DewError as e:
                if e.code == "DEW.0002":  # traced once unsealed
                    from engine.rootkeys.failures import record_failure
                    record_failure(self.home, self._ctx.clock.now())
                raise
            vault.hsm = Hsm(key, vault.rng)
            try:
                self._start(run_due=True)
            except BaseException:
                vault.hsm = None
                raise
        self._root_keys().record_unseal()

    # --- the root key ------------------------------------------------------------------
    def _root_keys(self) -> Any:
        from engine.rootkeys.service import RootKeyService
        return self._service("rootkeys", RootKeyService)

    @property
    def root_passphrase_set(self) -> bool:
        """Whether the root key file is passphrase-sealed."""
        return bool(self._ctx.vault.root.protected)

    def set_root_passphrase(self, new: str, *, current: str | None = None) -> None:
        """Seal the root key file under `new`, or change its passphrase (`current` must open
        it: wrong → DEW.0002). Administrators only; traced (never the passphrases)."""
        self._root_keys().set_passphrase(new, current)

    def remove_root_passphrase(self, current: str) -> None:
        """Store the root key file plain again (`current` must open it). Administrators only."""
        self._root_keys().remove_passphrase(current)

    def seal_now(self) -> None:
        """Drop the root key from memory: every view of this engine is sealed until `unseal`
        (DEW.0004 when the file has no passphrase: nothing could unseal it then)."""
        self._root_keys().seal_now()

    def rotate_root_key(self) -> Any:
        """A new root key for everything sealed in the database, in one transaction; the key
        file is replaced after the commit. Administrators only. → `RootRotation`."""
        return self._root_keys().rotate()

    # --- principals --------------------------------------------------------------------
    def _principal(self, name: str) -> Principal:
        with self._ctx.db.session(write=False) as s:
            u = s.exec(select(User).where(User.name == name)).first()
            if u is None:
                raise DewError("IAM.0404", f"no user named {name!r}", 404)
            return Principal(u.user_id, u.name, u.domain_id, u.is_admin)

    def as_user(self, name: str) -> "Engine":
        """A view of this engine acting as user `name` (must exist: `iam.create_user`)."""
        if self.sealed:
            raise SealedError()
        return Engine(self._ctx.with_principal(self._principal(name)), self.home)

    def principals(self) -> list[Any]:
        """Every user of every account: the operator's view for choosing whom to act as.

        Not an IAM call: whoever runs the engine holds the root key and may act as anyone
        (`as_user`), so this is no privilege of the acting principal (IAM reads stay
        inside one account). → `UserInfo` list, by name."""
        if self.sealed:
            raise SealedError()
        from engine.iam.service import user_info
        with self._ctx.db.session(write=False) as s:
            return [user_info(s, u) for u in s.exec(select(User).order_by(User.name)).all()]

    def with_source(self, source: str, client_ip: str = "") -> "Engine":
        """A view whose calls are traced with `source` (tui/api/cli/scheduler) and, for calls
        that came over the network, the caller's address."""
        return Engine(replace(self._ctx, source=source, client_ip=client_ip), self.home)

    def system(self) -> "Engine":
        """The scheduler's principal: acts for the local account, traced as `system`."""
        p = self._ctx.principal
        return Engine(replace(self._ctx, principal=Principal("system", "system", p.domain_id, True),
                              source="scheduler"), self.home)

    @property
    def principal(self) -> Principal:
        return self._ctx.principal

    @property
    def account_name(self) -> str:
        with self._ctx.db.session(write=False) as s:
            acc = s.get(Account, self._ctx.principal.domain_id)
            return acc.name if acc else ""

    @property
    def project_id(self) -> str:
        """The acting principal's account's project id (32 hex; the `{project_id}` of the
        cloud's paths), made on first need and fixed from then on."""
        if self.sealed:
            raise SealedError()
        from engine.iam.access_keys import account_project_id
        return account_project_id(self._ctx, self._ctx.principal.domain_id)

    def authenticate(self, access: str, string_to_sign: str, signature: str, *, project_id: str,
                     client_ip: str = "") -> "Engine":
        """A view acting as the owner of access key `access`, traced with source `api` and
        `client_ip`, when `signature` signs `string_to_sign` (SDK-HMAC-SHA256) for the
        owner's `project_id`; else a gateway refusal (APIGW.0301/0302) that writes nothing."""
        from engine.iam.access_keys import verify_signed_request
        p = verify_signed_request(self._ctx, access, string_to_sign, signature, project_id)
        ip = client_ip if isinstance(client_ip, str) else ""
        return Engine(replace(self._ctx, principal=p, source="api", client_ip=ip[:64]), self.home)

    # --- services ----------------------------------------------------------------------
    def _service(self, name: str, factory: Any) -> Any:
        svc = self._services.get(name)
        if svc is None:
            svc = self._services[name] = factory(self._ctx)
        return svc

    @property
    def kms(self):
        from engine.kms.service import KmsService
        return self._service("kms", KmsService)

    @property
    def csms(self):
        from engine.csms.service import CsmsService
        return self._service("csms", CsmsService)

    @property
    def events(self):
        from engine.events.service import EventsService
        return self._service("events", EventsService)

    @property
    def audit(self):
        from engine.audit.service import AuditService
        return self._service("audit", AuditService)

    @property
    def iam(self):
        from engine.iam.service import IamService
        return self._service("iam", IamService)

    # --- time, due work ----------------------------------------------------------------
    @property
    def clock(self) -> Clock:
        return self._ctx.clock

    @property
    def settings(self) -> Settings:
        return self._ctx.settings

    @property
    def context(self) -> Context:
        return self._ctx

    @property
    def database_url(self) -> str:
        return self._ctx.db.url

    def now(self) -> datetime:
        return self._ctx.clock.now()

    def run_due(self, now: datetime | None = None):
        """Do all due work at `now` (default: the clock's now). Idempotent."""
        if self.sealed:
            raise SealedError()
        from engine.scheduler.jobs import run_due
        return run_due(self.system(), now or self._ctx.clock.now())

    def close(self) -> None:
        self._ctx.db.dispose()
        if self._ctx.vault.holder is not None:
            self._ctx.vault.holder.release()

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
