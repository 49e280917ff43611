"""Turn what the user names (files, folders, .gz, .zip) into readable sources, safely.

A zip is extracted into a private temporary folder with limits on size and compression ratio (zip bombs); a
Windows-1252 file is transcoded to UTF-8 beside it, since DuckDB reads UTF-8. Every source keeps the name the
user knows (``bills.zip!2026-03.csv``) and the sha256 of its original bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from balise.connectors.dialect import SAMPLE_BYTES, Dialect, sniff
from balise.errors import BadSourceError, Problem, UsageError
from balise.i18n import messages as m

Kind = Literal["csv", "parquet", "jsonl"]
DATA_SUFFIXES = {".csv", ".tsv", ".txt", ".parquet", ".json", ".jsonl", ".ndjson", ".gz", ".zip"}

MAX_UNZIPPED_BYTES = 50 * 1024**3  # a zip may not expand to more than 50 GiB in all
MAX_RATIO = 200  # nor any member to more than 200 times its compressed size (real bills compress ~10-30x)
MAX_MEMBERS = 10_000


# Checksums are computed in a background thread while DuckDB converts the file (both read it once).
_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256")


@dataclass(frozen=True)
class Source:
    name: str  # what the user knows the file as
    path: Path  # what DuckDB reads (may be a temporary copy)
    kind: Kind
    compressed: bool  # gzip
    digest: Future[str]  # sha256 of the original bytes
    size: int  # bytes of the original
    dialect: Dialect | None = None  # csv only
    header: tuple[str, ...] = ()
    estimated_rows: int = 0  # for progress display: exact for Parquet, from the sample's line length for text

    @property
    def sha256(self) -> str:
        return self.digest.result()


def expand(paths: list[Path], workdir: Path) -> list[Source]:
    """Every data file under the given paths, in a stable order. Raises on a path that does not exist."""
    out: list[Source] = []
    for p in paths:
        if not p.exists():
            raise UsageError(m.NO_SUCH_PATH(path=str(p)))
        files = sorted(f for f in p.rglob("*") if f.is_file() and _is_data(f)) if p.is_dir() else [p]
        if p.is_dir() and not files:
            raise UsageError(m.EMPTY_FOLDER(path=str(p)))
        for f in files:
            out.extend(_open(f, str(f), workdir))
    return out


def _is_data(f: Path) -> bool:
    return f.suffix.lower() in DATA_SUFFIXES and not f.name.startswith(".")


def _open(path: Path, name: str, workdir: Path) -> Iterator[Source]:
    if path.stat().st_size == 0:
        raise BadSourceError(Problem(name, m.EMPTY_FILE(), m.HINT_EXPORT_AGAIN()))
    lower = path.name.lower()
    if lower.endswith(".zip"):
        yield from _unzip(path, name, workdir)
        return
    digest = _HASHER.submit(_sha256, path)
    compressed = lower.endswith(".gz")
    base = lower[:-3] if compressed else lower
    if compressed:
        _check_gzip(path, name)
    if base.endswith(".parquet"):
        yield Source(name, path, "parquet", False, digest, path.stat().st_size, estimated_rows=_parquet_rows(path))
        return
    raw = _head(path, compressed)
    if not raw.strip():
        raise BadSourceError(Problem(name, m.BLANK_FILE(), m.HINT_BLANK()))
    stripped = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    if base.endswith((".json", ".jsonl", ".ndjson")) or stripped.startswith(b"{"):
        yield Source(name, path, "jsonl", compressed, digest, path.stat().st_size)
        return
    if raw.startswith(b"PAR1"):
        yield Source(name, path, "parquet", False, digest, path.stat().st_size, estimated_rows=_parquet_rows(path))
        return
    dialect, header = sniff(raw)
    text_bytes = _gzip_size(path) if compressed else path.stat().st_size
    estimate = int(text_bytes / max(len(raw) / max(raw.count(b"\n"), 1), 1))
    if dialect.encoding != "utf-8":
        path = _transcode(path, compressed, dialect.encoding, workdir)
        compressed = False
    yield Source(name, path, "csv", compressed, digest, path.stat().st_size, dialect, tuple(header), estimate)


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    try:
        return int(pq.read_metadata(path).num_rows)
    except Exception:  # not readable as Parquet: DuckDB will say why, with the file name
        return 0


def _gzip_size(path: Path) -> int:
    """Uncompressed size from the gzip trailer (modulo 4 GiB: an estimate for progress only)."""
    with path.open("rb") as f:
        f.seek(-4, 2)
        return int.from_bytes(f.read(4), "little") or path.stat().st_size * 8


def _head(path: Path, compressed: bool) -> bytes:
    if compressed:
        with gzip.open(path, "rb") as f:
            return f.read(SAMPLE_BYTES)
    with path.open("rb") as f:
        return f.read(SAMPLE_BYTES)


def _check_gzip(path: Path, name: str) -> None:
    """A truncated .gz fails late inside DuckDB with an obscure message: check its end now (cheap)."""
    with path.open("rb") as f:
        magic = f.read(2)
    if magic != b"\x1f\x8b":
        raise BadSourceError(Problem(name, m.NOT_GZIP(), m.HINT_NOT_GZIP()))
    try:
        with gzip.open(path, "rb") as f:
            while f.read(8 * 1024 * 1024):
                pass
    except (EOFError, gzip.BadGzipFile, OSError) as e:
        raise BadSourceError(Problem(name, m.GZIP_DAMAGED(error=str(e)), m.HINT_DOWNLOAD_AGAIN())) from None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(4 * 1024 * 1024):
            h.update(chunk)
    return h.hexdigest()


def _transcode(path: Path, compressed: bool, encoding: str, workdir: Path) -> Path:
    out = workdir / f"utf8-{_sha256(path)[:16]}-{path.name.removesuffix('.gz')}"
    opener = gzip.open if compressed else open
    with opener(path, "rt", encoding=encoding, errors="replace", newline="") as src, \
            out.open("w", encoding="utf-8", newline="") as dst:
        shutil.copyfileobj(src, dst, 4 * 1024 * 1024)
    return out


def _unzip(path: Path, name: str, workdir: Path) -> Iterator[Source]:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise BadSourceError(Problem(name, m.NOT_ZIP(), m.HINT_NOT_ZIP())) from None
    with zf:
        members = [x for x in zf.infolist() if not x.is_dir() and _is_data(Path(x.filename))]
        if len(members) > MAX_MEMBERS:
            raise BadSourceError(Problem(name, m.ZIP_TOO_MANY(n=len(members), limit=MAX_MEMBERS), m.HINT_UNZIP()))
        if not members:
            raise BadSourceError(Problem(name, m.ZIP_EMPTY(), m.HINT_ZIP_EMPTY()))
        target = workdir / f"unzip-{_sha256(path)[:16]}"
        target.mkdir(parents=True, exist_ok=True)
        total = 0
        for i, member in enumerate(members):
            out = target / f"{i:05d}-{Path(member.filename).name}"
            limit = max(member.compress_size * MAX_RATIO, 1024 * 1024)
            written = 0
            with zf.open(member) as src, out.open("wb") as dst:
                while chunk := src.read(1024 * 1024):
                    written += len(chunk)
                    total += len(chunk)
                    if written > limit or total > MAX_UNZIPPED_BYTES:
                        dst.close()
                        shutil.rmtree(target, ignore_errors=True)
                        raise BadSourceError(Problem(
                            f"{name}!{member.filename}",
                            m.ZIP_BOMB(ratio=MAX_RATIO, gib=MAX_UNZIPPED_BYTES // 1024**3), m.HINT_ZIP_BOMB()))
                    dst.write(chunk)
            yield from _open(out, f"{name}!{member.filename}", workdir)
