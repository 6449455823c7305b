"""Files of the import wizard, no Textual: save the import items, read wrapped material,
and the openssl commands the user runs between the two (guide 2.1.3.2, step 7).

Security decisions: the wrapping public key and the import token are written owner-only
(0600, in a directory created 0700) even though neither is secret on its own — the token
lets whoever holds it import material into the key until it expires. Plaintext key material
never passes through dewtui: the user makes and wraps it with openssl; we only read the
wrapped (RSA-OAEP / RFC 5649) files.
"""
from __future__ import annotations

import base64
import os
from pathlib import Path

from engine import DewError

PUBLIC_KEY_FILE = "PublicKey.bin"
TOKEN_FILE = "ImportToken.txt"
MATERIAL_FILE = "EncryptedKeyMaterial.bin"
PRIVATE_KEY_FILE = "EncryptedPrivateKey.bin"
MAX_FILE = 64 * 1024  # far above any wrapped material (an RSA-4096 PKCS#8 wraps to ~2.4 KB)
FILE_ERROR = "DEW.FILE"
_OAEP_MD = {"RSAES_OAEP_SHA_256": "sha256", "RSAES_OAEP_SHA_1": "sha1"}


def display_path(path: str | Path) -> str:
    """`~/…` for paths under the home directory (shorter, and stable in snapshots)."""
    p = Path(path).expanduser()
    try:
        return "~/" + str(p.relative_to(Path.home()))
    except ValueError:
        return str(p)


def default_directory(key_id: str) -> str:
    return display_path(Path.home() / "dew-import" / key_id)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an existing file keeps its old mode otherwise
        os.write(fd, data)
    finally:
        os.close(fd)


def save_import_items(directory: str, public_key_b64: str, import_token: str) -> tuple[Path, Path]:
    """Write PublicKey.bin (DER, decoded from base64) and ImportToken.txt; their paths."""
    folder = Path(directory).expanduser()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        public, token = folder / PUBLIC_KEY_FILE, folder / TOKEN_FILE
        _write_private(public, base64.b64decode(public_key_b64))
        _write_private(token, import_token.encode("ascii"))
    except OSError as e:
        raise DewError(FILE_ERROR, f"cannot save the import items in {display_path(folder)}: "
                                   f"{e.strerror or type(e).__name__}", 400) from None
    return public, token


def file_problem(path: str, what: str) -> str:
    """Why `path` cannot be read as a wrapped-material file ('' when it can)."""
    if not path.strip():
        return f"choose the {what} file"
    p = Path(path.strip()).expanduser()
    if not p.is_file():
        return f"{what}: no file {display_path(p)}"
    if p.stat().st_size > MAX_FILE:
        return f"{what}: {display_path(p)} is too large to be wrapped key material"
    if p.stat().st_size == 0:
        return f"{what}: {display_path(p)} is empty"
    return ""


def read_b64(path: str, what: str) -> str:
    """The file's bytes, base64-encoded as the API takes them; DEW.FILE if unreadable."""
    problem = file_problem(path, what)
    if problem:
        raise DewError(FILE_ERROR, problem, 400)
    try:
        return base64.b64encode(Path(path.strip()).expanduser().read_bytes()).decode()
    except OSError as e:
        raise DewError(FILE_ERROR, f"cannot read {what} file {display_path(path)}: "
                                   f"{e.strerror or type(e).__name__}", 400) from None


def _private_key_commands(spec: str) -> list[tuple[str, str]]:
    if spec.startswith("EC_"):
        curve = {"EC_P256": "P-256", "EC_P384": "P-384"}[spec]
        gen = f"openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:{curve} -out PrivateKey.pem"
    else:
        gen = f"openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:{spec.split('_')[1]} -out PrivateKey.pem"
    return [
        (f"{'an' if spec.startswith('EC_') else 'a'} {spec} private key (or use your own)", gen),
        ("as DER PKCS#8", "openssl pkcs8 -topk8 -inform PEM -outform DER -in PrivateKey.pem "
                          "-out PrivateKey.der -nocrypt"),
    ]


def openssl_commands(spec: str, wrapping_algorithm: str, directory: str) -> list[tuple[str, str]]:
    """(comment, command) pairs, exactly the guide's commands with our file names."""
    md = _OAEP_MD.get(wrapping_algorithm, "sha256")
    symmetric = spec == "AES_256"
    cmds = [("in the folder with the wrapping key", f"cd {display_path(directory)}")]
    if not symmetric:
        cmds += _private_key_commands(spec)
    what = "the key material (32 random bytes)" if symmetric else "a temporary key material (32 bytes)"
    cmds += [
        (what, "openssl rand -out PlaintextKeyMaterial.bin 32"),
        (f"wrap it with the wrapping key ({wrapping_algorithm})",
         f"openssl pkeyutl -encrypt -pubin -keyform der -inkey {PUBLIC_KEY_FILE} "
         f"-in PlaintextKeyMaterial.bin -out {MATERIAL_FILE} "
         f"-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:{md}"),
    ]
    if not symmetric:
        cmds.append(("wrap the private key under the temporary key (AES key wrap with padding)",
                     "openssl enc -id-aes256-wrap-pad -iv A65959A6 "
                     "-K $(xxd -p -c 64 PlaintextKeyMaterial.bin) "
                     f"-in PrivateKey.der -out {PRIVATE_KEY_FILE}"))
    cmds.append(("keep a safe copy of PlaintextKeyMaterial.bin: a re-import must use the same material", "")
                if symmetric else
                ("keep PrivateKey.der safe (a re-import must use the same key); the temporary material "
                 "is not needed again", ""))
    return cmds
