"""Pilot test: imported key material expiring while the TUI is open shows a toast (the due
job posts a warning to the inbox; the inbox watch toasts what arrives) and the keys list
shows the key in Pending import."""
from __future__ import annotations

import base64
from datetime import timedelta

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from engine import KeyState
from ui.helpers import SIZE, settle, toasts


def _import(eng, key_id: str, expires) -> None:
    params = eng.kms.get_parameters_for_import(key_id)
    public = serialization.load_der_public_key(base64.b64decode(params.public_key))
    wrapped = public.encrypt(b"m" * 32, padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None))
    eng.kms.import_key_material(key_id, params.import_token, base64.b64encode(wrapped).decode(),
                                expiration_time=expires)


async def test_expired_material_is_toasted_while_open(app, eng, clock):
    key = eng.kms.create_key("byok", origin="external")
    _import(eng, key.key_id, eng.now() + timedelta(hours=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.page.keys[0].key_state is KeyState.ENABLED
        clock.advance(timedelta(hours=2))
        report = eng.run_due()
        assert report.done["expire_imported_material"] == 1
        app.screen.post_message(app.DueWorkDone(report))  # as the app does after a scheduler pass
        app.inbox_watch.poll()
        await settle(pilot)
        assert any("KEY_MATERIAL_EXPIRED: byok" in t for t in toasts(app))
        assert app.screen.page.keys[0].key_state is KeyState.PENDING_IMPORT
