"""More than one machine: two `dewtui serve` apps (two engines) on one PostgreSQL database,
SDK clients on threads spread over both doing mixed writes for a fixed number of operations.
No raw errors, no lost or duplicated writes, gap-free secret versions, one audit chain that
verifies, and due work done once however many servers run it."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcsms.v1 import (CreateSecretRequest, CreateSecretRequestBody, CreateSecretVersionRequest,
                                   CreateSecretVersionRequestBody, CsmsClient)
from huaweicloudsdkkms.v2 import (CreateKeyRequest, CreateKeyRequestBody, CreateKmsTagRequest,
                                  CreateKmsTagRequestBody, DeleteKeyRequest, EncryptDataRequest,
                                  EncryptDataRequestBody, KmsClient, ScheduleKeyDeletionRequestBody, TagItem)

from dewtui.serve.app import create_app
from dewtui.serve.runner import Server, ServeOptions, uvicorn_config
from engine import Engine, FrozenClock, SeededRng

CLIENTS, ROUNDS = 6, 5
WAIT = 60


def start(eng: Engine) -> tuple[Server, threading.Thread]:
    server = Server(uvicorn_config(create_app(eng), ServeOptions(host="127.0.0.1", port=0)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert server.ready.wait(WAIT)
    return server, thread


def test_two_servers_on_one_database(pg_url, home):
    clock = FrozenClock(datetime.now(timezone.utc).replace(microsecond=0))
    first = Engine.open(home=home, url=pg_url, clock=clock, rng=SeededRng(21))
    second = Engine.open(home=home, url=pg_url, clock=clock, run_due=False)
    key = first.iam.create_access_key(user_name="admin")
    project = first.project_id
    first.csms.create_secret("shared", secret_string="v1")
    servers = [start(first), start(second)]
    urls = [s.url for s, _ in servers]
    errors: list[BaseException] = []
    made_keys: list[str] = []
    versions: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        creds = BasicCredentials(key.access, key.secret, project)
        url = urls[n % 2]  # half the clients on each server
        kms = KmsClient.new_builder().with_credentials(creds).with_endpoints([url]).build()
        csms = CsmsClient.new_builder().with_credentials(creds).with_endpoints([url]).build()
        for i in range(ROUNDS):
            try:
                kid = kms.create_key(CreateKeyRequest(body=CreateKeyRequestBody(key_alias=f"c{n}-{i}"))).key_info.key_id
                kms.create_kms_tag(CreateKmsTagRequest(key_id=kid, body=CreateKmsTagRequestBody(
                    tag=TagItem(key="client", value=str(n)))))
                kms.encrypt_data(EncryptDataRequest(body=EncryptDataRequestBody(key_id=kid, plain_text="x")))
                v = csms.create_secret_version(CreateSecretVersionRequest(
                    secret_name="shared", body=CreateSecretVersionRequestBody(secret_string=f"{n}-{i}")))
                csms.create_secret(CreateSecretRequest(body=CreateSecretRequestBody(
                    name=f"own-{n}-{i}", secret_string="v")))
                with lock:
                    made_keys.append(kid)
                    versions.append(v.version_metadata.id)
            except BaseException as e:  # noqa: BLE001 - the test collects every failure
                with lock:
                    errors.append(e)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 4)
    try:
        assert [(getattr(e, "status_code", None), getattr(e, "error_code", None),
                 getattr(e, "error_msg", repr(e))) for e in errors] == []
        total = CLIENTS * ROUNDS
        keys = first.kms.list_keys(limit=1000)
        assert sorted(k.key_id for k in keys.keys if not k.default_key_flag) == sorted(made_keys)
        assert len(set(made_keys)) == total
        assert sorted(int(v[1:]) for v in versions) == list(range(2, 2 + total))  # gap-free, none twice
        assert first.csms.list_secrets(limit=1000).total == 1 + total
        created = [t.resource_id for t in first.audit.list_traces(trace_name="createKey", limit=5000)
                   if t.resource_name != "csms/default"]
        assert sorted(created) == sorted(made_keys)  # one trace per key, none lost or doubled
        assert len(first.audit.list_traces(trace_name="encryptData", limit=5000)) == total
        assert {t.source for t in first.audit.list_traces(trace_name="createSecretVersion", limit=5000)} == {"api"}

        # due work, run by both servers' engines at once, is done once
        victim = made_keys[0]
        KmsClient.new_builder().with_credentials(BasicCredentials(key.access, key.secret, project)) \
            .with_endpoints([urls[1]]).build() \
            .delete_key(DeleteKeyRequest(body=ScheduleKeyDeletionRequestBody(key_id=victim, pending_days="7")))
        clock.advance(timedelta(days=8))
        reports: list = []
        runs = [threading.Thread(target=lambda e=e: reports.append(e.run_due())) for e in (first, second)]
        for t in runs:
            t.start()
        for t in runs:
            t.join(WAIT)
        assert sum(r.total for r in reports) >= 1 and not any(r.failed for r in reports)
        assert victim not in {k.key_id for k in first.kms.list_keys(limit=1000).keys}
        deletions = [t for t in first.audit.list_traces(resource_id=victim, limit=100)
                     if t.trace_name != "scheduleKeyDeletion" and t.source == "scheduler"]
        assert len(deletions) == 1
        assert first.audit.verify().ok
    finally:
        for server, thread in servers:
            server.should_exit = True
            thread.join(WAIT)
        first.close()
        second.close()
