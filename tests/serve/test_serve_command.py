"""The serve command's options: a non-loopback address needs --allow-remote and then warns;
TLS options go together; the engine is opened on --home and handed to the runner."""
from __future__ import annotations

from click.testing import CliRunner

from dewtui.serve import runner
from dewtui.serve.command import is_loopback, serve_command


def fake_serve(calls):
    def serve(eng, opts, *, scheduler, interval, announce):
        calls.append((eng.home, opts.host, opts.port, opts.tls_cert, scheduler))
        return 0
    return serve


def test_a_remote_address_with_allow_remote_warns(tmp_path, monkeypatch):
    calls: list = []
    monkeypatch.setattr(runner, "serve", fake_serve(calls))
    result = CliRunner().invoke(serve_command, ["--home", str(tmp_path / "dew"), "--host", "0.0.0.0",
                                                "--allow-remote", "--no-scheduler"])
    assert result.exit_code == 0
    assert "WARNING" in result.stderr and "unencrypted" in result.stderr
    assert calls == [(tmp_path / "dew", "0.0.0.0", 8090, None, False)]


def test_loopback_needs_no_flag_and_no_warning(tmp_path, monkeypatch):
    calls: list = []
    monkeypatch.setattr(runner, "serve", fake_serve(calls))
    result = CliRunner().invoke(serve_command, ["--home", str(tmp_path / "dew"), "--host", "::1"])
    assert result.exit_code == 0 and "WARNING" not in result.stderr
    assert calls[0][1:] == ("::1", 8090, None, True)


def test_tls_options_go_together(tmp_path):
    cert = tmp_path / "c.pem"
    cert.write_text("x")
    result = CliRunner().invoke(serve_command, ["--home", str(tmp_path / "dew"), "--tls-cert", str(cert)])
    assert result.exit_code == 2 and "go together" in result.stderr
    both = CliRunner().invoke(serve_command, ["--home", str(tmp_path / "dew"), "--tls-cert", str(cert),
                                              "--tls-key", str(cert), "--tls-self-signed"])
    assert both.exit_code == 2 and "replaces" in both.stderr


def test_what_counts_as_loopback():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "example.com"))
