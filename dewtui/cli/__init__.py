"""The `dewtui` command line (Click, no Textual): the headless commands (`run-due`,
`scheduler`, `encrypt-file`, `decrypt-file`), `kms`/`csms` generated from the operation
table, `iam` access keys, and shell completion. `dewtui.__main__` names each command by
module so none is imported before it is used.

`run_due_once` and `run_scheduler` (dewtui.cli.headless) are also importable from here.
"""
from __future__ import annotations

from typing import Any

__all__ = ["run_due_once", "run_scheduler"]


def __getattr__(name: str) -> Any:  # imported on first use: `dewtui` alone stays light
    if name in __all__:
        from dewtui.cli import headless
        return getattr(headless, name)
    raise AttributeError(name)
