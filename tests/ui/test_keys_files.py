"""Pilot tests: encrypt a file with the selected key and decrypt it again from the keys list
(envelope encryption in a worker, a progress bar fed by its progress callback), path
suggestions, and a refusal kept in the dialog beside the path."""
from __future__ import annotations

import os

from textual.widgets import Input, ProgressBar

from dewtui.keys.file_dialog import FileCryptDialog, complete_path
from engine import envelope
from ui.helpers import SIZE, settle, toasts

SIZE_BYTES = 3 * 1024 * 1024 + 5  # four chunks: the progress callback runs several times


async def _fill(pilot, src: str, dst: str | None = None) -> FileCryptDialog:
    dialog = pilot.app.screen
    assert isinstance(dialog, FileCryptDialog)
    dialog.query_one("#file-src", Input).value = src
    await settle(pilot)
    if dst is not None:
        dialog.query_one("#file-dst", Input).value = dst
    dialog.query_one("#file-src", Input).focus()
    return dialog


async def test_encrypt_then_decrypt_a_file(app, eng, tmp_path):
    key = eng.kms.create_key("files")
    data = os.urandom(SIZE_BYTES)
    (tmp_path / "report.bin").write_bytes(data)
    steps: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        dialog = await _fill(pilot, str(tmp_path / "report.bin"))
        assert dialog.query_one("#file-dst", Input).value == str(tmp_path / "report.bin.dew")
        bar = dialog.query_one("#file-progress", ProgressBar)
        real_update = bar.update
        bar.update = lambda **kw: (steps.append(kw.get("progress")), real_update(**kw))[1]
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, FileCryptDialog)
        assert steps[-1] == 100 and len(steps) >= 3  # moved while the worker ran
        assert f"Wrote {tmp_path / 'report.bin.dew'}" in toasts(app)
        envelope.decrypt_file(eng, tmp_path / "report.bin.dew", tmp_path / "check.bin")
        assert (tmp_path / "check.bin").read_bytes() == data
        header = (tmp_path / "report.bin.dew").read_bytes()[:200]
        assert key.key_id.encode() in header

        await pilot.press("C")
        await settle(pilot)
        dialog = await _fill(pilot, str(tmp_path / "report.bin.dew"), str(tmp_path / "back.bin"))
        await pilot.press("enter")
        await settle(pilot)
        assert (tmp_path / "back.bin").read_bytes() == data


async def test_missing_source_is_refused_beside_the_path(app, eng, tmp_path):
    eng.kms.create_key("files")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        dialog = await _fill(pilot, str(tmp_path / "nope.txt"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        refusal = str(dialog.query_one(".refusal").render())
        assert refusal.startswith("KMS.0308") and "does not exist" in refusal
        assert dialog.query_one("#file-src").has_class("-invalid")
        assert not (tmp_path / "nope.txt.dew").exists()


async def test_decrypting_a_file_of_a_disabled_key_is_refused(app, eng, tmp_path):
    key = eng.kms.create_key("files")
    (tmp_path / "a.txt").write_bytes(b"hello")
    envelope.encrypt_file(eng, key.key_id, tmp_path / "a.txt", tmp_path / "a.txt.dew")
    eng.kms.disable_key(key.key_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        dialog = await _fill(pilot, str(tmp_path / "a.txt.dew"))
        assert dialog.query_one("#file-dst", Input).value == str(tmp_path / "a.txt")
        dialog.query_one("#file-dst", Input).value = str(tmp_path / "out.txt")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "KMS.0209" in str(dialog.query_one("#errors").render())
        assert not (tmp_path / "out.txt").exists()


def test_paths_complete_from_the_folder(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "readme.txt").write_text("x")
    assert complete_path(f"{tmp_path}/rea") == f"{tmp_path}/readme.txt"
    assert complete_path(f"{tmp_path}/rep") == f"{tmp_path}/reports/"
    assert complete_path(f"{tmp_path}/zzz") is None
    assert complete_path("") is None


async def test_encrypt_a_file_from_the_key_detail(app, eng, tmp_path):
    key = eng.kms.create_key("files")
    (tmp_path / "a.txt").write_bytes(b"from the detail")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert any(action == "encrypt_file" for _t, action, _h in app.screen.PALETTE)
        app.screen.action_encrypt_file()
        await settle(pilot)
        dialog = await _fill(pilot, str(tmp_path / "a.txt"))
        assert dialog.key.key_id == key.key_id
        await pilot.press("enter")
        await settle(pilot)
    envelope.decrypt_file(eng, tmp_path / "a.txt.dew", tmp_path / "b.txt")
    assert (tmp_path / "b.txt").read_bytes() == b"from the detail"


async def test_an_existing_destination_is_replaced_only_when_asked_twice(app, eng, tmp_path):
    eng.kms.create_key("files")
    (tmp_path / "report.bin").write_bytes(b"new contents")
    (tmp_path / "report.bin.dew").write_bytes(b"keep me")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        dialog = await _fill(pilot, str(tmp_path / "report.bin"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog  # not written: the user is asked first
        assert "exists: press Encrypt again to replace it" in str(dialog.query_one("#errors").render())
        assert (tmp_path / "report.bin.dew").read_bytes() == b"keep me"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, FileCryptDialog)
        envelope.decrypt_file(eng, tmp_path / "report.bin.dew", tmp_path / "check.bin")
        assert (tmp_path / "check.bin").read_bytes() == b"new contents"
