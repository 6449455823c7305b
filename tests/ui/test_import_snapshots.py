"""SVG snapshots of every import wizard step and the delete-material dialog.

Nothing random is on screen: the token and the public key are never shown, paths show as
`~/dew-import/<seeded key id>` under a fixed HOME. Update with `--snapshot-update`, then look.
"""
from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input

from ui.helpers import snap
from ui.pilot_steps import click, row


@pytest.fixture
def data_eng(keys_and_users_eng):
    return keys_and_users_eng


async def _fill_step_1(pilot):
    dialog = pilot.app.screen
    await pilot.press(*"byok/payments")
    dialog.query_one("#spec").value = "RSA_3072"
    dialog.query_one("#description", Input).value = "payments signing, material from our HSM"
    dialog.query_one("#tags", Input).value = "env=prod"
    dialog.query_one("#understand", Checkbox).value = True


def test_import_step_1(snap_compare, data_eng):
    assert snap(snap_compare, data_eng, "i", _fill_step_1)


def test_import_step_1_invalid(snap_compare, data_eng):
    async def bad(pilot):
        await pilot.press(*"bad alias")
        pilot.app.screen.action_submit()
    assert snap(snap_compare, data_eng, "i", bad)


def test_import_step_2(snap_compare, data_eng):
    assert snap(snap_compare, data_eng, row("byok-import"), "m")


def test_import_step_3_symmetric(snap_compare, data_eng):
    assert snap(snap_compare, data_eng, row("byok-import"), "m", click("#ok"))


def test_import_step_3_ec(snap_compare, data_eng):
    data_eng.kms.create_key("byok-ec", key_spec="EC_P384", origin="external")
    assert snap(snap_compare, data_eng, row("byok-ec"), "m", click("#ok"))


def test_import_step_4(snap_compare, data_eng):
    assert snap(snap_compare, data_eng, row("byok-import"), "m", click("#ok"), click("#ok"))


def test_import_step_4_asymmetric_errors(snap_compare, data_eng):
    data_eng.kms.create_key("byok-rsa", key_spec="RSA_2048", origin="external")

    async def never_and_submit(pilot):
        pilot.app.screen.query_one("#never").value = True
        await pilot.pause()
        await pilot.click("#ok")
    assert snap(snap_compare, data_eng, row("byok-rsa"), "m", click("#ok"), click("#ok"), never_and_submit)


def test_delete_material_dialog(snap_compare, data_eng, tmp_path):
    # an imported symmetric key, Enabled: import through the engine
    import base64
    import os
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    kms = data_eng.kms
    key_id = data_eng.sample_keys["import"].key_id
    params = kms.get_parameters_for_import(key_id)
    public = serialization.load_der_public_key(base64.b64decode(params.public_key))
    wrapped = public.encrypt(os.urandom(32), padding.OAEP(mgf=padding.MGF1(hashes.SHA256()),
                                                          algorithm=hashes.SHA256(), label=None))
    kms.import_key_material(key_id, params.import_token, base64.b64encode(wrapped).decode())
    assert snap(snap_compare, data_eng, row("byok-import"), "M")
