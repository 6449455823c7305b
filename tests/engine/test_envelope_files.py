"""Files by envelope encryption (engine.envelope): round trips, tampering, refusals, clean failures."""
from __future__ import annotations

import errno
import os
import struct
from pathlib import Path

import pytest

from engine import DewError, Engine, SeededRng
from engine import envelope
from engine.envelope import (CANNOT_DECRYPT_FILE, CHUNK_SIZE, MAGIC, TAG_SIZE, decrypt_file, encrypt_file)
from engine.kms.datakeys import DataKeyOps
from refusals import refused

SMALL = 256            # the smallest chunk a file may have: keeps the tests fast
BLOCK = SMALL + TAG_SIZE
MARK = b"PLAINTEXT-MARKER-0123456789"


@pytest.fixture
def key(eng):
    return eng.kms.create_key("files").key_id


@pytest.fixture
def work(tmp_path):
    d = tmp_path / "files"
    d.mkdir()
    return d


def payload(n: int) -> bytes:
    """n bytes that start with MARK (when long enough) and vary from byte to byte."""
    body = (MARK + bytes(range(256)) * (n // 256 + 1))[:n]
    return body


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def header_size(blob: bytes) -> int:
    (length,) = struct.unpack_from(">H", blob, len(MAGIC) + 1)
    return len(MAGIC) + 3 + length


def sealed(eng, key, work, data: bytes, chunk_size: int = SMALL, **kw) -> bytes:
    """The encrypted bytes of `data` (also left in work/c)."""
    encrypt_file(eng, key, write(work / "p", data), work / "c", chunk_size=chunk_size, **kw)
    return (work / "c").read_bytes()


def leftovers(work: Path) -> list[str]:
    """Files other than the test's own inputs: a result or a temporary file."""
    return sorted(p.name for p in work.iterdir() if p.name not in ("p", "c", "t", "other"))


def refused_file(eng, work: Path, blob: bytes, **kw) -> DewError:
    """Decrypting `blob` is refused with the one vague message and leaves nothing behind."""
    write(work / "t", blob)
    err = refused("KMS.0308", decrypt_file, eng, work / "t", work / "out", **kw)
    assert err.message == CANNOT_DECRYPT_FILE
    assert leftovers(work) == []
    return err


# --- round trips ----------------------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, SMALL - 1, SMALL, SMALL + 1, 2 * SMALL, 3 * 1024 * 1024 + 7])
def test_round_trip_small_chunks(eng, key, work, n):
    data = payload(n)
    blob = sealed(eng, key, work, data)
    chunks = max(1, -(-n // SMALL))  # an exact multiple has no extra empty chunk; empty has one
    assert len(blob) == header_size(blob) + n + TAG_SIZE * chunks
    assert MARK not in blob
    decrypt_file(eng, work / "c", work / "out")
    assert (work / "out").read_bytes() == data
    assert leftovers(work) == ["out"]


def test_round_trip_with_one_mebibyte_chunks(eng, key, work):
    data = os.urandom(3 * CHUNK_SIZE + 5)
    encrypt_file(eng, key, write(work / "p", data), str(work / "c"))
    blob = (work / "c").read_bytes()
    assert len(blob) == header_size(blob) + len(data) + 4 * TAG_SIZE
    decrypt_file(eng, str(work / "c"), work / "out")
    assert (work / "out").read_bytes() == data


def test_outputs_are_private_and_overwrite_an_existing_dst(eng, key, work):
    write(work / "out", b"old")
    sealed(eng, key, work, b"new contents")
    decrypt_file(eng, work / "c", work / "out")
    assert (work / "out").read_bytes() == b"new contents"
    assert (work / "c").stat().st_mode & 0o777 == 0o600
    assert (work / "out").stat().st_mode & 0o777 == 0o600


def test_each_file_has_its_own_data_key_and_nonces(eng, key, work):
    first = sealed(eng, key, work, payload(1000))
    second = sealed(eng, key, work, payload(1000))
    h1, h2 = header_size(first), header_size(second)
    assert first[:h1] != second[:h2] and first[h1:] != second[h2:]


def test_progress_reports_plaintext_bytes_from_zero_to_total(eng, key, work):
    seen: list[tuple[int, int]] = []
    sealed(eng, key, work, payload(3 * SMALL + 10), progress=lambda d, t: seen.append((d, t)))
    assert seen == [(0, 778), (256, 778), (512, 778), (768, 778), (778, 778)]
    seen.clear()
    decrypt_file(eng, work / "c", work / "out", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(0, 778), (256, 778), (512, 778), (768, 778), (778, 778)]


def test_decrypting_needs_only_the_file(home, clock, key, work, eng):
    sealed(eng, key, work, payload(600))
    eng.close()
    again = Engine.open(home=home, clock=clock, rng=SeededRng(99))
    try:
        decrypt_file(again, work / "c", work / "out")
    finally:
        again.close()
    assert (work / "out").read_bytes() == payload(600)


# --- associated data ------------------------------------------------------------------------
def test_aad_must_match(eng, key, work):
    blob = sealed(eng, key, work, payload(700), aad="invoice-42")
    decrypt_file(eng, work / "c", work / "out", aad=b"invoice-42")  # str and bytes alike
    assert (work / "out").read_bytes() == payload(700)
    (work / "out").unlink()
    refused_file(eng, work, blob, aad="invoice-43")
    refused_file(eng, work, blob)


def test_aad_of_4096_bytes_is_accepted_and_longer_or_other_types_refused(eng, key, work):
    sealed(eng, key, work, b"x", aad=b"a" * 4096)
    decrypt_file(eng, work / "c", work / "out", aad=b"a" * 4096)
    refused("KMS.0208", encrypt_file, eng, key, work / "p", work / "o2", aad=b"a" * 4097)
    refused("KMS.0208", encrypt_file, eng, key, work / "p", work / "o2", aad=12)
    refused("KMS.0208", decrypt_file, eng, work / "c", work / "o2", aad=["x"])
    assert not (work / "o2").exists()


# --- tampering ------------------------------------------------------------------------------
def flip(blob: bytes, at: int) -> bytes:
    out = bytearray(blob)
    out[at] ^= 0x01
    return bytes(out)


def header_offsets(blob: bytes) -> dict[str, int]:
    """One byte inside each part of the header."""
    body = len(MAGIC) + 3
    offsets = {"magic": 2, "version": len(MAGIC), "length": len(MAGIC) + 2}
    pos = body
    for name in ("key id", "data key", "chunk size", "nonce prefix"):
        (n,) = struct.unpack_from(">H", blob, pos)
        offsets[name + " length"] = pos + 1
        offsets[name] = pos + 2 + n - 1 if name != "key id" else pos + 2 + 3
        pos += 2 + n
    return offsets


@pytest.mark.parametrize("part", ["magic", "version", "length", "key id length", "key id",
                                  "data key length", "data key", "chunk size length", "chunk size",
                                  "nonce prefix length", "nonce prefix"])
def test_a_changed_header_byte_is_refused(eng, key, work, part):
    blob = sealed(eng, key, work, payload(1000))
    refused_file(eng, work, flip(blob, header_offsets(blob)[part]))


def test_a_key_id_naming_another_existing_key_is_refused(eng, key, work):
    blob = sealed(eng, key, work, payload(300))
    other = eng.kms.create_key("other").key_id
    refused_file(eng, work, blob.replace(key.encode(), other.encode()))


@pytest.mark.parametrize("where", ["first chunk", "middle chunk", "last chunk", "a tag", "last tag"])
def test_a_changed_chunk_byte_is_refused(eng, key, work, where):
    blob = sealed(eng, key, work, payload(1000))  # chunks of 256, 256, 256, 232
    h = header_size(blob)
    at = {"first chunk": h + 3, "middle chunk": h + BLOCK + 100, "last chunk": h + 3 * BLOCK + 5,
          "a tag": h + BLOCK - 1, "last tag": len(blob) - 1}[where]
    refused_file(eng, work, flip(blob, at))


@pytest.mark.parametrize("n", [1000, 1024])  # a short last chunk, and an exact multiple
def test_truncation_is_refused(eng, key, work, n):
    blob = sealed(eng, key, work, payload(n))
    h = header_size(blob)
    last = len(blob) - (n - 3 * SMALL + TAG_SIZE)  # where the last chunk starts
    for cut in (h, h + BLOCK, h + 2 * BLOCK, last, last + 10, len(blob) - 1):
        refused_file(eng, work, blob[:cut])


def test_reordered_chunks_are_refused(eng, key, work):
    blob = sealed(eng, key, work, payload(1000))
    h = header_size(blob)
    c = [blob[h + i * BLOCK:h + (i + 1) * BLOCK] for i in range(3)] + [blob[h + 3 * BLOCK:]]
    refused_file(eng, work, blob[:h] + c[1] + c[0] + c[2] + c[3])
    refused_file(eng, work, blob[:h] + c[0] + c[2] + c[1] + c[3])
    refused_file(eng, work, blob[:h] + c[0] + c[1] + c[3] + c[2])


def test_dropped_or_repeated_chunks_are_refused(eng, key, work):
    blob = sealed(eng, key, work, payload(1000))
    h = header_size(blob)
    c = [blob[h + i * BLOCK:h + (i + 1) * BLOCK] for i in range(3)] + [blob[h + 3 * BLOCK:]]
    refused_file(eng, work, blob[:h] + c[0] + c[2] + c[3])        # a middle one dropped
    refused_file(eng, work, blob[:h] + c[0] + c[1] + c[2])        # the last one dropped
    refused_file(eng, work, blob[:h] + c[0] + c[0] + c[1] + c[2] + c[3])


@pytest.mark.parametrize("extra", [b"\x00", b"x" * TAG_SIZE, b"y" * BLOCK])
def test_appended_bytes_are_refused(eng, key, work, extra):
    blob = sealed(eng, key, work, payload(1000))
    refused_file(eng, work, blob + extra)


def test_a_chunk_appended_from_another_file_is_refused(eng, key, work):
    blob = sealed(eng, key, work, payload(SMALL))        # one full chunk, the last
    other = sealed(eng, key, work, payload(2 * SMALL))
    refused_file(eng, work, blob + other[header_size(other) + BLOCK:])
    refused_file(eng, work, blob[:header_size(blob)] + other[header_size(other):])  # header swap


@pytest.mark.parametrize("blob", [b"", b"not a dewtui file", MAGIC, MAGIC + b"\x01\xff\xff"])
def test_files_that_are_not_envelope_files_are_refused(eng, work, blob):
    refused_file(eng, work, blob)


def test_a_header_naming_an_oversized_chunk_is_refused(eng, key, work):
    blob = sealed(eng, key, work, payload(10))
    offsets = header_offsets(blob)
    at = offsets["chunk size"] - 3  # the size's first byte: 256 becomes 16 MiB + 256
    out = bytearray(blob)
    out[at] = 0x01
    refused_file(eng, work, bytes(out))


# --- key state and permissions ---------------------------------------------------------------
def test_a_disabled_key_refuses_both_ways(eng, key, work):
    sealed(eng, key, work, payload(300))
    eng.kms.disable_key(key)
    refused("KMS.0209", decrypt_file, eng, work / "c", work / "out")
    refused("KMS.0209", encrypt_file, eng, key, work / "p", work / "c2")
    assert leftovers(work) == []


def test_a_key_pending_deletion_refuses_decryption(eng, key, work):
    sealed(eng, key, work, payload(300))
    eng.kms.schedule_key_deletion(key, 7)
    refused("KMS.0210", decrypt_file, eng, work / "c", work / "out")
    assert leftovers(work) == []


def test_a_user_without_permission_is_refused(eng, key, work):
    eng.iam.create_user("bob")
    bob = eng.as_user("bob")
    refused("KMS.0306", encrypt_file, bob, key, write(work / "p", b"data"), work / "c")
    assert leftovers(work) == [] and not (work / "c").exists()
    sealed(eng, key, work, b"data")
    refused("KMS.0306", decrypt_file, bob, work / "c", work / "out")
    assert leftovers(work) == []


def test_a_decrypt_datakey_grant_is_enough_to_decrypt(eng, key, work):
    eng.iam.create_user("bob")
    eng.kms.create_grant(key, "bob", ["decrypt-datakey"])
    sealed(eng, key, work, payload(500))
    decrypt_file(eng.as_user("bob"), work / "c", work / "out")
    assert (work / "out").read_bytes() == payload(500)


def test_an_unknown_or_malformed_key_id_is_refused_before_any_file_is_made(eng, work):
    write(work / "p", b"data")
    refused("KMS.0207", encrypt_file, eng, "0" * 8 + "-0000-0000-0000-" + "0" * 12, work / "p", work / "c")
    refused("KMS.0205", encrypt_file, eng, "nope", work / "p", work / "c")
    assert leftovers(work) == [] and not (work / "c").exists()


# --- arguments ------------------------------------------------------------------------------
def test_path_arguments_are_checked(eng, key, work):
    write(work / "p", b"data")
    (work / "sub").mkdir()
    refused("KMS.0308", encrypt_file, eng, key, 42, work / "c")
    refused("KMS.0308", encrypt_file, eng, key, work / "p", b"/tmp/bytes-path")
    refused("KMS.0308", encrypt_file, eng, key, "", work / "c")
    refused("KMS.0308", encrypt_file, eng, key, work / "missing", work / "c")
    refused("KMS.0308", encrypt_file, eng, key, work / "sub", work / "c")           # src not a file
    refused("KMS.0308", encrypt_file, eng, key, work / "p", work / "sub")           # dst a folder
    refused("KMS.0308", encrypt_file, eng, key, work / "p", work / "no" / "c")      # no such folder
    refused("KMS.0308", encrypt_file, eng, key, work / "p", work / "p")             # dst is src
    refused("KMS.0308", decrypt_file, eng, work / "missing", work / "out")
    refused("KMS.0308", decrypt_file, eng, work / "p", work / "sub")
    assert sorted(p.name for p in work.iterdir()) == ["p", "sub"]
    assert (work / "p").read_bytes() == b"data"


def test_progress_and_chunk_size_are_checked(eng, key, work):
    write(work / "p", b"data")
    refused("KMS.0308", encrypt_file, eng, key, work / "p", work / "c", progress="bar")
    refused("KMS.0308", decrypt_file, eng, work / "p", work / "c", progress=1)
    for size in (255, 16 * 1024 * 1024 + 1, "1024", True):
        refused("KMS.0308", encrypt_file, eng, key, work / "p", work / "c", chunk_size=size)
    assert leftovers(work) == []


def test_refused_arguments_spend_no_data_key(eng, key, work):
    before = len(eng.audit.list_traces(trace_name="createDataKey", limit=100))
    write(work / "p", b"data")
    refused("KMS.0308", encrypt_file, eng, key, work / "p", work / "p")
    refused("KMS.0208", encrypt_file, eng, key, work / "p", work / "c", aad=b"a" * 5000)
    assert len(eng.audit.list_traces(trace_name="createDataKey", limit=100)) == before


# --- interrupted writes ---------------------------------------------------------------------
class Stop(Exception):
    pass


def test_a_progress_callback_raising_midway_leaves_nothing(eng, key, work):
    def stop_at_second_chunk(done, total):
        if done >= 2 * SMALL:
            raise Stop

    write(work / "p", payload(1000))
    with pytest.raises(Stop):
        encrypt_file(eng, key, work / "p", work / "c", chunk_size=SMALL, progress=stop_at_second_chunk)
    assert leftovers(work) == [] and not (work / "c").exists()
    sealed(eng, key, work, payload(1000))
    with pytest.raises(Stop):
        decrypt_file(eng, work / "c", work / "out", progress=stop_at_second_chunk)
    assert leftovers(work) == []


def test_a_failing_write_leaves_an_existing_dst_untouched_and_no_temp_file(eng, key, work, monkeypatch):
    write(work / "p", payload(1000))
    write(work / "other", b"previous")
    writes = {"n": 0}
    real_write = os.write

    def full_disk(fd, data):
        writes["n"] += 1
        if writes["n"] == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(envelope.os, "write", full_disk)
    err = refused("KMS.0308", encrypt_file, eng, key, work / "p", work / "other", chunk_size=SMALL)
    assert "No space left on device" in err.message
    assert (work / "other").read_bytes() == b"previous"
    assert leftovers(work) == []


def test_a_late_bad_chunk_leaves_no_partial_plaintext(eng, key, work):
    blob = sealed(eng, key, work, payload(1000))
    refused_file(eng, work, flip(blob, len(blob) - 1))  # the first three chunks were fine


# --- audit ----------------------------------------------------------------------------------
def test_the_audit_trail_has_the_data_key_calls_and_no_plaintext(eng, key, work, monkeypatch):
    issued: list[bytes] = []
    real = DataKeyOps.create_datakey

    def recording(self, *args, **kwargs):
        result = real(self, *args, **kwargs)
        issued.append(result.plain_text)
        return result

    monkeypatch.setattr(DataKeyOps, "create_datakey", recording)
    sealed(eng, key, work, payload(1000))
    decrypt_file(eng, work / "c", work / "out")
    created = eng.audit.list_traces(trace_name="createDataKey", limit=5)
    opened = eng.audit.list_traces(trace_name="decryptDatakey", limit=5)
    assert len(created) == 1 and len(opened) == 1
    assert created[0].resource_id == key and opened[0].resource_id == key
    assert created[0].code == opened[0].code == "200"
    (dek,) = issued
    text = repr(eng.audit.list_traces(limit=100))
    for secret in (MARK.decode(), dek.hex(), dek.hex().upper()):
        assert secret not in text


def test_a_full_disk_is_refused_before_any_chunk_is_written(eng, key, work, monkeypatch):
    def no_space(fd, offset, length):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(envelope.os, "posix_fallocate", no_space)
    write(work / "p", payload(1000))
    err = refused("KMS.0308", encrypt_file, eng, key, work / "p", work / "c", chunk_size=SMALL)
    assert "No space left on device" in err.message
    assert leftovers(work) == [] and not (work / "c").exists()


def test_a_file_system_that_cannot_reserve_space_still_works(eng, key, work, monkeypatch):
    def unsupported(fd, offset, length):
        raise OSError(errno.EOPNOTSUPP, os.strerror(errno.EOPNOTSUPP))

    monkeypatch.setattr(envelope.os, "posix_fallocate", unsupported)
    sealed(eng, key, work, payload(1000))
    decrypt_file(eng, work / "c", work / "out")
    assert (work / "out").read_bytes() == payload(1000)


def test_a_source_that_shrinks_meanwhile_gives_a_file_of_what_was_read(eng, key, work):
    def shrink_after_first_chunk(done, total):
        if done == SMALL:
            os.truncate(work / "p", 2 * SMALL + 10)  # the second chunk was read already

    write(work / "p", payload(1000))
    encrypt_file(eng, key, work / "p", work / "c", chunk_size=SMALL, progress=shrink_after_first_chunk)
    decrypt_file(eng, work / "c", work / "out")  # no reserved space left over: the tags still hold
    assert (work / "out").read_bytes() == payload(1000)[:2 * SMALL + 10]
