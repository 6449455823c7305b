"""The engine's shape holds: every module imports on its own, the engine never pulls in the
UI, and every service method goes through the argument guard."""
from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import engine


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(engine.__path__, "engine."))


@pytest.mark.parametrize("name", _modules())
def test_every_engine_module_imports(name):
    importlib.import_module(name)


def test_importing_the_engine_loads_no_ui():
    code = ("import sys, engine, engine.catalog; eng = engine.Engine; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'dewtui', 'rich')]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_every_public_service_method_is_guarded():
    from engine.audit.service import AuditService
    from engine.csms.service import CsmsService
    from engine.events.service import EventsService
    from engine.iam.service import IamService
    from engine.kms.service import KmsService
    import inspect
    unguarded = [f"{cls.__name__}.{name}"
                 for cls in (KmsService, CsmsService, EventsService, AuditService, IamService)
                 for name, fn in inspect.getmembers(cls, inspect.isfunction)
                 if not name.startswith("_") and not getattr(fn, "__guarded__", False)]
    assert unguarded == []
