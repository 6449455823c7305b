"""`dewtui serve` as a real process: it prints its URL and project id once it accepts
connections, writes serve.json while it runs, answers the SDK, and stops cleanly on SIGTERM
(removing serve.json). A non-loopback address needs --allow-remote."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkkms.v2 import CreateKeyRequest, CreateKeyRequestBody, KmsClient

from engine import Engine

WAIT = 60


def test_serve_prints_its_url_answers_the_sdk_and_stops_on_sigterm(tmp_path):
    home = tmp_path / "dew"
    with Engine.open(home=home) as eng:
        key = eng.iam.create_access_key(user_name="admin")
        project_id = eng.project_id
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "dewtui", "serve", "--home", str(home), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert "http://127.0.0.1:" in line and project_id in line, line + proc.stderr.read()
        url = line[line.index("http://"):].split()[0]
        state = json.loads((home / "serve.json").read_text())
        assert state == {"pid": proc.pid, "url": url, "project_id": project_id}
        client = KmsClient.new_builder().with_credentials(
            BasicCredentials(key.access, key.secret, project_id)).with_endpoints([url]).build()
        created = client.create_key(CreateKeyRequest(body=CreateKeyRequestBody(key_alias="from-a-process")))
        assert created.key_info.key_id
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "stopped" in out
    assert not (home / "serve.json").exists()
    with Engine.open(home=home) as eng:
        assert [k.key_alias for k in eng.kms.list_keys().keys] == ["from-a-process"]


def test_a_non_loopback_address_needs_allow_remote(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dewtui", "serve", "--home", str(tmp_path / "dew"),
                           "--host", "0.0.0.0", "--port", "0"], capture_output=True, text=True, timeout=WAIT)
    assert proc.returncode == 2 and "--allow-remote" in proc.stderr
    assert not (tmp_path / "dew").exists()


def test_self_signed_tls_serves_https_to_an_sdk_that_trusts_the_printed_certificate(tmp_path):
    from huaweicloudsdkcore.http.http_config import HttpConfig

    home = tmp_path / "dew"
    with Engine.open(home=home) as eng:
        key = eng.iam.create_access_key(user_name="admin")
        project_id = eng.project_id
    proc = subprocess.Popen([sys.executable, "-m", "dewtui.serve", "--home", str(home), "--port", "0",
                             "--tls-self-signed", "--no-scheduler"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        cert_line = proc.stdout.readline()
        cert = cert_line.split("certificate ", 1)[1].split(" (", 1)[0]
        line = proc.stdout.readline()
        assert "https://127.0.0.1:" in line, cert_line + line + proc.stderr.read()
        url = line[line.index("https://"):].split()[0]
        config = HttpConfig.get_default_config()
        config.ssl_ca_cert = cert
        client = KmsClient.new_builder().with_http_config(config).with_credentials(
            BasicCredentials(key.access, key.secret, project_id)).with_endpoints([url]).build()
        assert client.create_key(CreateKeyRequest(body=CreateKeyRequestBody(key_alias="tls"))).key_info.key_id
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert not os.path.exists(cert)  # the throw-away certificate goes with the server
