"""Several processes on one SQLite database: no "database is locked", no broken audit chain."""
from __future__ import annotations

import subprocess
import sys
import textwrap

from engine import Engine

WORKER = textwrap.dedent("""
    import sys
    from engine import Engine
    home, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    eng = Engine.open(home=home)
    key = eng.kms.create_key(f"k-{tag}")
    eng.csms.create_secret(f"s-{tag}", secret_string="v0")
    sys.stdin.readline()  # start together
    for i in range(n):
        ct = eng.kms.encrypt_data(key.key_id, b"payload").cipher_text
        assert eng.kms.decrypt_data(ct).plain_text == b"payload"
        eng.csms.create_secret_version(f"s-{tag}", secret_string=f"v{i + 1}")
        eng.kms.list_keys(limit=10)
        eng.run_due()
    eng.close()
    print("ok")
""")


def test_two_processes_hammer_one_database(home):
    Engine.open(home=home).close()  # create the root key and schema once
    n = 40
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(home), tag, str(n)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for tag in ("a", "b")]
    outs = [p.communicate("go\n", timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-2000:]
        assert out.strip() == "ok"
        assert "database is locked" not in err
    eng = Engine.open(home=home)
    try:
        result = eng.audit.verify()
        assert result.ok, result
        per_process = 2 + n * 3  # createKey, createSecret; encryptData, decryptData, createSecretVersion
        assert eng.audit.count_traces(since=None) >= 2 * per_process
        assert len(eng.csms.list_secret_versions("s-a")) == 20  # capped, oldest unstaged dropped
    finally:
        eng.close()
