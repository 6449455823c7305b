"""`dewtui serve`: the Click command that opens the engine and runs the HTTP API.

Loopback by default; any other address needs `--allow-remote` and prints a warning (the API
holds every key of this home). TLS from `--tls-cert/--tls-key`, or `--tls-self-signed` for a
throw-away certificate. The scheduler runs inside unless `--no-scheduler` (run one elsewhere,
or several servers on one PostgreSQL database each run theirs: due work is claimed once).
"""
from __future__ import annotations

import ipaddress
import shutil
import sys
import tempfile
from pathlib import Path

import click

from dewtui.serve.app import MAX_BODY, THREADS


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve", help="Serve this home's engine over HTTP for the official cloud SDKs "
                             "(KMS and CSMS on one port, AK/SK-signed requests).")
@click.option("--home", type=click.Path(file_okay=False), default=None,
              help="data directory (default: DEW_HOME or the platform's user data dir)")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=8090, show_default=True, type=click.IntRange(0, 65535),
              help="port to listen on (0: any free port)")
@click.option("--allow-remote", is_flag=True, help="allow listening on a non-loopback address")
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False), help="TLS certificate (PEM)")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False), help="TLS private key (PEM)")
@click.option("--tls-self-signed", is_flag=True, help="serve HTTPS with a throw-away self-signed certificate")
@click.option("--no-scheduler", is_flag=True, help="do not run due work (deletions, rotation, expiry) inside")
@click.option("--interval", type=click.FloatRange(min=0.1), default=None,
              help="seconds between scheduler passes (default: the engine's setting)")
@click.option("--threads", type=click.IntRange(1, 64), default=THREADS, show_default=True,
              help="engine calls running at once")
@click.option("--max-body", type=click.IntRange(1024, 16 * 1024 * 1024), default=MAX_BODY, show_default=True,
              help="largest request body in bytes")
def serve_command(home: str | None, host: str, port: int, allow_remote: bool, tls_cert: str | None,
                  tls_key: str | None, tls_self_signed: bool, no_scheduler: bool, interval: float | None,
                  threads: int, max_body: int) -> None:
    from dewtui.serve.runner import ServeOptions, serve
    from engine import DewError, Engine

    if not is_loopback(host):
        if not allow_remote:
            raise click.UsageError(f"{host} is not a loopback address: add --allow-remote to listen on it")
        click.echo(f"dewtui serve: WARNING: listening on {host}: anyone who can reach it and holds an "
                   "access key can use this home's keys and secrets"
                   + ("" if tls_cert or tls_self_signed else " (and requests travel unencrypted)"), err=True)
    if bool(tls_cert) != bool(tls_key):
        raise click.UsageError("--tls-cert and --tls-key go together")
    if tls_self_signed and tls_cert:
        raise click.UsageError("--tls-self-signed replaces --tls-cert/--tls-key")
    try:
        eng = Engine.open(home=home, source="api", run_due=False)
    except DewError as e:
        click.echo(f"dewtui: {e.code}: {e.message}", err=True)
        sys.exit(1)
    if eng.sealed:
        click.echo("dewtui: the root key is passphrase-sealed: set DEW_PASSPHRASE", err=True)
        eng.close()
        sys.exit(1)
    tls_dir = None
    try:
        if tls_self_signed:
            from dewtui.serve.tls import self_signed
            tls_dir = Path(tempfile.mkdtemp(prefix="dewtui-tls-"))
            tls_cert, tls_key = (str(p) for p in self_signed(tls_dir, host))
            click.echo(f"dewtui serve: self-signed certificate {tls_cert} (give it to clients as ssl_ca_cert)")
        opts = ServeOptions(host=host, port=port, tls_cert=tls_cert, tls_key=tls_key, threads=threads,
                            max_body=max_body)
        code = serve(eng, opts, scheduler=not no_scheduler, interval=interval,
                     announce=lambda line: click.echo(line))
    finally:
        eng.close()
        if tls_dir is not None:
            shutil.rmtree(tls_dir, ignore_errors=True)
    sys.exit(code)
