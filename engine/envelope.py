"""Files of any size by envelope encryption: a fresh data key per file, then AES-256-GCM chunks.

The cloud guide's "large data" scenario: create-datakey under a CMK gives a plaintext data key
and its ciphertext; the plaintext key encrypts the file locally, the ciphertext key travels
in the file's header, and decrypting the file asks KMS (decrypt-datakey) for the key again.
So every file is authorized and audited as one KMS call, and the data never leaves the disk.

File layout (all integers big-endian):

    header  MAGIC (8) | format version (1) | body length (2) | body
            body = four fields, each a 2-byte length then the value:
                   key id (ASCII) | data key ciphertext | chunk size (4) | nonce prefix (7)
    chunks  AES-256-GCM of each `chunk size` bytes of plaintext (the last one shorter, maybe
            empty), each followed by its 16-byte tag

Chunk i's nonce is prefix ‖ i (4 bytes) ‖ last-flag (1), and its associated data is the
canonical encoding of (purpose, SHA-256 of the header, i, last-flag, caller's aad). So a
chunk moved, dropped, repeated, appended after the last one, or a file cut at a chunk
boundary, or any header byte changed, fails a tag, and the whole file is refused with one
vague "cannot be decrypted" (no detail on why). Memory stays flat: two read buffers and one
output buffer of a chunk each, reused; output goes to a 0600 temporary file beside `dst`
that is renamed only when the last chunk is written and removed on any failure, so `dst`
never holds a partial or unauthenticated result. The output is durable once a call returns:
its data is fsync'd before the rename and the folder after it. Write-back of the output
follows a few MiB behind the writer (engine.write_behind), so that final fsync has almost
nothing left to write, and the page cache holds at most some 24 MiB of the output (what is
on disk leaves it: a file just written is read back from disk).
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
import struct
from dataclasses import dataclass
from io import FileIO
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from engine.codec import canonical
from engine.errors import DewError
from engine.kms.rules import (DATAKEY_CIPHER, INVALID, INVALID_CONTEXT, INVALID_KEY_ID, KEY_ID_RE, NO_KEY,
                              bad)
from engine.write_behind import WriteBehind

if TYPE_CHECKING:
    from engine.facade import Engine

MAGIC = b"\x89DEWENV\n"
FORMAT_VERSION = 1
CHUNK_SIZE = 1024 * 1024            # plaintext bytes per chunk in files we write
MIN_CHUNK_SIZE = 256                # the range a header may name (bounds memory on decrypt)
MAX_CHUNK_SIZE = 16 * 1024 * 1024
TAG_SIZE = 16
NONCE_PREFIX_SIZE = 7               # + 4-byte chunk index + 1-byte last flag = 12
MAX_CHUNKS = 2 ** 32                # the index is 4 bytes
MAX_AAD = 4096                      # bytes of the caller's associated data
MAX_HEADER_BODY = 4096
DATA_KEY_SIZE = 32                  # AES-256
CHUNK_PURPOSE = "dewtui-envelope-chunk"
CANNOT_DECRYPT_FILE = "the file cannot be decrypted"
# decrypt-datakey refusals that say something about the header's content: reported as the
# one vague refusal. Key state and permission refusals pass through as they are.
_CONTENT_CODES = frozenset({DATAKEY_CIPHER, NO_KEY, INVALID_KEY_ID, INVALID})

Progress = Callable[[int, int], object]


@dataclass(frozen=True)
class Header:
    key_id: str
    datakey_cipher: bytes = b""
    chunk_size: int = CHUNK_SIZE
    nonce_prefix: bytes = b""

    def encode(self) -> bytes:
        fields = (self.key_id.encode("ascii"), self.datakey_cipher,
                  struct.pack(">I", self.chunk_size), self.nonce_prefix)
        body = b"".join(struct.pack(">H", len(f)) + f for f in fields)
        return MAGIC + struct.pack(">BH", FORMAT_VERSION, len(body)) + body


def unreadable() -> DewError:
    return DewError(INVALID, CANNOT_DECRYPT_FILE, 400)


def parse_header(raw: bytes) -> Header:
    """The header from its bytes (MAGIC through body), or the vague refusal."""
    if len(raw) < len(MAGIC) + 3 or raw[:len(MAGIC)] != MAGIC:
        raise unreadable()
    version, length = struct.unpack_from(">BH", raw, len(MAGIC))
    body = memoryview(raw)[len(MAGIC) + 3:]
    if version != FORMAT_VERSION or length != len(body):
        raise unreadable()
    fields: list[bytes] = []
    pos = 0
    while pos < len(body):
        if pos + 2 > len(body):
            raise unreadable()
        (n,) = struct.unpack_from(">H", body, pos)
        if pos + 2 + n > len(body):
            raise unreadable()
        fields.append(bytes(body[pos + 2:pos + 2 + n]))
        pos += 2 + n
    if len(fields) != 4:
        raise unreadable()
    key_id_raw, cipher, size_raw, prefix = fields
    try:
        key_id = key_id_raw.decode("ascii")
    except UnicodeDecodeError:
        raise unreadable() from None
    if not KEY_ID_RE.match(key_id) or not cipher or len(size_raw) != 4 \
            or len(prefix) != NONCE_PREFIX_SIZE:
        raise unreadable()
    (chunk_size,) = struct.unpack(">I", size_raw)
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise unreadable()
    return Header(key_id, cipher, chunk_size, prefix)


def _read_header(f: FileIO) -> tuple[Header, bytes]:
    start = _read_exactly(f, len(MAGIC) + 3)
    if len(start) < len(MAGIC) + 3 or start[:len(MAGIC)] != MAGIC:
        raise unreadable()
    (length,) = struct.unpack_from(">H", start, len(MAGIC) + 1)
    if length > MAX_HEADER_BODY:
        raise unreadable()
    raw = start + _read_exactly(f, length)
    return parse_header(raw), raw


# --- arguments ----------------------------------------------------------------------------
def _path(value: object, field: str) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise bad(f"{field} must be a path (str or os.PathLike), got {type(value).__name__}")
    text = os.fspath(value)
    if not isinstance(text, str) or not text:
        raise bad(f"{field} must be a non-empty text path")
    return Path(text)


def _source(value: object) -> Path:
    src = _path(value, "src")
    try:
        st = os.stat(src)
    except FileNotFoundError:
        raise bad(f"src {src} does not exist") from None
    except OSError as e:
        raise bad(f"src {src} cannot be read: {e.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise bad(f"src {src} is not a regular file")
    return src


def _destination(value: object, src: Path) -> Path:
    dst = _path(value, "dst")
    if dst.is_dir():
        raise bad(f"dst {dst} is a directory: name the file to write")
    if not dst.parent.is_dir():
        raise bad(f"dst {dst}: the folder {dst.parent} does not exist")
    if dst.exists() and os.path.samefile(src, dst):
        raise bad(f"dst {dst} is the same file as src")
    return dst


def _aad(value: object) -> bytes:
    if value is None:
        return b""
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise bad("aad must be bytes or str", INVALID_CONTEXT)
    data = bytes(value)
    if len(data) > MAX_AAD:
        raise bad(f"aad must be at most {MAX_AAD} bytes, got {len(data)}", INVALID_CONTEXT)
    return data


def _progress(value: object) -> Progress | None:
    if value is not None and not callable(value):
        raise bad("progress must be callable (done_bytes, total_bytes) or None")
    return value


def _chunk_size(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) \
            or not MIN_CHUNK_SIZE <= value <= MAX_CHUNK_SIZE:
        raise bad(f"chunk_size must be a whole number of bytes from {MIN_CHUNK_SIZE} to {MAX_CHUNK_SIZE}")
    return value


# --- input and output ---------------------------------------------------------------------
def _io_error(e: OSError, what: str) -> DewError:
    return bad(f"cannot {what}: {e.strerror or e.__class__.__name__}")


def _fill(f: FileIO, buf: bytearray) -> int:
    """Read into buf until it is full or the file ends; the number of bytes read."""
    view = memoryview(buf)
    got = 0
    try:
        while got < len(buf):
            n = f.readinto(view[got:])
            if not n:
                break
            got += n
    except OSError as e:
        raise _io_error(e, "read src") from None
    return got


def _read_exactly(f: FileIO, n: int) -> bytes:
    buf = bytearray(n)
    return bytes(buf[:_fill(f, buf)])


def _write_all(fd: int, data: memoryview) -> None:
    try:
        while data:
            data = data[os.write(fd, data):]
    except OSError as e:
        raise _io_error(e, "write dst") from None


class _TempOutput:
    """A 0600 file beside dst, renamed onto dst by commit(); removed on any failure.

    The expected size is reserved up front (a full disk refuses before any work, and the
    file system allocates once, which is several times faster than growing chunk by chunk);
    commit() cuts the file to what was written, should the source have changed meanwhile."""

    def __init__(self, eng: Engine, dst: Path, expected: int) -> None:
        self.dst = dst
        self.written = 0
        for _ in range(8):
            self.path = dst.parent / f".{dst.name}.{eng.context.rng.hex_id(8)}.part"
            try:
                self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
                break
            except FileExistsError:
                continue
            except OSError as e:
                raise _io_error(e, f"create a file in {dst.parent}") from None
        else:
            raise bad(f"cannot create a temporary file in {dst.parent}")
        self.open = True
        self.reserved = 0
        self.behind = WriteBehind(self.fd)
        try:
            os.fchmod(self.fd, 0o600)  # exactly 0600 whatever the umask
            if expected > 0:
                os.posix_fallocate(self.fd, 0, expected)
                self.reserved = expected
        except OSError as e:
            if e.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):  # cannot reserve: grow
                self.discard()
                raise _io_error(e, "write dst") from None

    def write(self, data: memoryview) -> None:
        _write_all(self.fd, data)
        self.written += len(data)
        try:
            self.behind.wrote(self.written)
        except OSError as e:
            raise _io_error(e, "write dst") from None

    def commit(self) -> None:
        try:
            if self.reserved > self.written:
                os.ftruncate(self.fd, self.written)
            os.fsync(self.fd)
            os.close(self.fd)
            self.open = False
            os.replace(self.path, self.dst)
        except OSError as e:
            raise _io_error(e, "write dst") from None
        _sync_directory(self.dst.parent)

    def discard(self) -> None:
        if self.open:
            os.close(self.fd)
            self.open = False
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def _sync_directory(folder: Path) -> None:
    """Make a rename in `folder` durable (where a directory can be opened and synced at all)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)
    except OSError:
        return  # a platform that cannot open directories: the rename is as durable as it gets
    try:
        os.fsync(fd)
    except OSError as e:
        if e.errno not in (errno.EINVAL, errno.EBADF, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise bad(f"dst {folder} was written but the folder cannot be synced: "
                      f"{e.strerror or e.__class__.__name__}") from None
    finally:
        os.close(fd)


def _wipe(*buffers: bytearray) -> None:
    """Zero buffers in place (the data key, plaintext chunks): as far as Python allows."""
    for buf in buffers:
        buf[:] = bytes(len(buf))


class _Chunks:
    """Nonces and associated data of one file's chunks."""

    def __init__(self, header: bytes, prefix: bytes, aad: bytes) -> None:
        self.digest = hashlib.sha256(header).digest()
        self.prefix = prefix
        self.aad = aad

    def nonce(self, index: int, last: bool) -> bytes:
        if index >= MAX_CHUNKS:
            raise bad("the file is too large for this format")
        return self.prefix + struct.pack(">IB", index, last)

    def associated(self, index: int, last: bool) -> bytes:
        return canonical(CHUNK_PURPOSE, self.digest, index, int(last), self.aad)


# --- the two operations -------------------------------------------------------------------
def encrypt_file(eng: Engine, key_id: str, src: str | os.PathLike[str], dst: str | os.PathLike[str], *,
                 aad: bytes | str | None = None, progress: Progress | None = None,
                 chunk_size: int = CHUNK_SIZE) -> None:
    """Encrypt src into dst under a fresh data key from create-datakey on `key_id`."""
    src_path = _source(src)
    dst_path = _destination(dst, src_path)
    context, report, size = _aad(aad), _progress(progress), _chunk_size(chunk_size)
    try:
        reader = open(src_path, "rb", buffering=0)
    except OSError as e:
        raise _io_error(e, f"open src {src_path}") from None
    with reader:
        total = os.fstat(reader.fileno()).st_size
        data_key = eng.kms.create_datakey(key_id)
        key = bytearray(data_key.plain_text)
        prefix = eng.context.rng.secret_bytes(NONCE_PREFIX_SIZE)
        header = Header(data_key.key_id, bytes.fromhex(data_key.cipher_text), size, prefix).encode()
        del data_key
        current, following, out = bytearray(size), bytearray(size), bytearray(size + TAG_SIZE)
        try:
            aes = AESGCM(key)
            chunks = _Chunks(header, prefix, context)
            output = _TempOutput(eng, dst_path, len(header) + total + TAG_SIZE * max(1, -(-total // size)))
            try:
                output.write(memoryview(header))
                if report:
                    report(0, total)
                n, index, done = _fill(reader, current), 0, 0
                while True:
                    ahead = _fill(reader, following) if n == size else 0
                    last = ahead == 0
                    m = aes.encrypt_into(chunks.nonce(index, last), memoryview(current)[:n],
                                         chunks.associated(index, last), memoryview(out)[:n + TAG_SIZE])
                    output.write(memoryview(out)[:m])
                    done += n
                    if report:
                        report(done, total)
                    if last:
                        break
                    current, following, n, index = following, current, ahead, index + 1
                output.commit()
            except BaseException:
                output.discard()
                raise
        finally:
            _wipe(key, current, following)


def _plaintext_size(file_size: int, header_size: int, chunk_size: int) -> int:
    """The plaintext length a well-formed file of this size holds (the vague refusal if none)."""
    body = file_size - header_size
    block = chunk_size + TAG_SIZE
    full, rest = divmod(body, block)
    if body <= 0 or 0 < rest < TAG_SIZE:
        raise unreadable()
    return body - TAG_SIZE * (full + (1 if rest else 0))


def _open_data_key(eng: Engine, header: Header) -> bytearray:
    try:
        opened = eng.kms.decrypt_datakey(header.key_id, header.datakey_cipher.hex())
    except DewError as e:
        if e.code in _CONTENT_CODES:
            raise unreadable() from None
        raise
    key = bytearray(opened.data_key)
    del opened
    if len(key) != DATA_KEY_SIZE:
        _wipe(key)
        raise unreadable()
    return key


def decrypt_file(eng: Engine, src: str | os.PathLike[str], dst: str | os.PathLike[str], *,
                 aad: bytes | str | None = None, progress: Progress | None = None) -> None:
    """Decrypt a file written by encrypt_file into dst (decrypt-datakey on the key it names)."""
    src_path = _source(src)
    dst_path = _destination(dst, src_path)
    context, report = _aad(aad), _progress(progress)
    try:
        reader = open(src_path, "rb", buffering=0)
    except OSError as e:
        raise _io_error(e, f"open src {src_path}") from None
    with reader:
        header, raw = _read_header(reader)
        size = header.chunk_size
        total = _plaintext_size(os.fstat(reader.fileno()).st_size, len(raw), size)
        key = _open_data_key(eng, header)
        block = size + TAG_SIZE
        current, following, out = bytearray(block), bytearray(block), bytearray(size)
        try:
            aes = AESGCM(key)
            chunks = _Chunks(raw, header.nonce_prefix, context)
            output = _TempOutput(eng, dst_path, total)
            try:
                if report:
                    report(0, total)
                n, index, done = _fill(reader, current), 0, 0
                while True:
                    ahead = _fill(reader, following) if n == block else 0
                    last = ahead == 0
                    if n < TAG_SIZE:
                        raise unreadable()
                    try:
                        m = aes.decrypt_into(chunks.nonce(index, last), memoryview(current)[:n],
                                             chunks.associated(index, last), memoryview(out)[:n - TAG_SIZE])
                    except InvalidTag:
                        raise unreadable() from None
                    output.write(memoryview(out)[:m])
                    done += m
                    if report:
                        report(done, total)
                    if last:
                        break
                    current, following, n, index = following, current, ahead, index + 1
                output.commit()
            except BaseException:
                output.discard()
                raise
        finally:
            _wipe(key, out)
