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
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from balise.connectors.dialect import SAMPLE_BYTES, Dialect, sniff
from balise.errors import BadSourceError, Problem, UsageError

Kind = Literal["csv", "parquet", "jsonl"]
DATA_SUFFIXES = {".csv", ".tsv", ".txt", ".parquet", ".json", ".jsonl", ".ndjson", ".gz", ".zip"}

MAX_UNZIPPED_BYTES = 50 * 1024**3  # a zip may not expand to more than 50 GiB in all
MAX_RATIO = 200  # nor any member to more than 200 times its compressed size (real bills compress ~10-30x)
MAX_MEMBERS = 10_000


@dataclass(frozen=True)
class Source:
    name: str  # what the user knows the file as
    path: Path  # what DuckDB reads (may be a temporary copy)
    kind: Kind
    compressed: bool  # gzip
    sha256: str
    size: int  # bytes of the original
    dialect: Dialect | None = None  # csv only
    header: tuple[str, ...] = ()


def expand(paths: list[Path], workdir: Path) -> list[Source]:
    """Every data file under the given paths, in a stable order. Raises on a path that does not exist."""
    out: list[Source] = []
    for p in paths:
        if not p.exists():
            raise UsageError(f"{p}: no such file or folder")
        files = sorted(f for f in p.rglob("*") if f.is_file() and _is_data(f)) if p.is_dir() else [p]
        if p.is_dir() and not files:
            raise UsageError(f"{p}: the folder holds no billing file (.csv, .csv.gz, .parquet, .jsonl, .zip)")
        for f in files:
            out.extend(_open(f, str(f), workdir))
    return out


def _is_data(f: Path) -> bool:
    return f.suffix.lower() in DATA_SUFFIXES and not f.name.startswith(".")


def _open(path: Path, name: str, workdir: Path) -> Iterator[Source]:
    if path.stat().st_size == 0:
        raise BadSourceError(Problem(name, "the file is empty (0 bytes)",
                                     "Export the bill again from the provider's console, then re-run the ingest."))
    lower = path.name.lower()
    if lower.endswith(".zip"):
        yield from _unzip(path, name, workdir)
        return
    digest = _sha256(path)
    compressed = lower.endswith(".gz")
    base = lower[:-3] if compressed else lower
    if compressed:
        _check_gzip(path, name)
    if base.endswith(".parquet"):
        yield Source(name, path, "parquet", False, digest, path.stat().st_size)
        return
    raw = _head(path, compressed)
    if not raw.strip():
        raise BadSourceError(Problem(name, "the file holds no data (only blank space)",
                                     "Export the bill again; an export with no charges has at least a header."))
    stripped = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    if base.endswith((".json", ".jsonl", ".ndjson")) or stripped.startswith(b"{"):
        yield Source(name, path, "jsonl", compressed, digest, path.stat().st_size)
        return
    if raw.startswith(b"PAR1"):
        yield Source(name, path, "parquet", False, digest, path.stat().st_size)
        return
    dialect, header = sniff(raw)
    if dialect.encoding != "utf-8":
        path = _transcode(path, compressed, dialect.encoding, workdir)
        compressed = False
    yield Source(name, path, "csv", compressed, digest, path.stat().st_size, dialect, tuple(header))


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
        raise BadSourceError(Problem(name, "the file ends in .gz but is not gzip-compressed",
                                     "Rename it without .gz, or compress it with gzip."))
    try:
        with gzip.open(path, "rb") as f:
            while f.read(8 * 1024 * 1024):
                pass
    except (EOFError, gzip.BadGzipFile, OSError) as e:
        raise BadSourceError(Problem(name, f"the compressed file is damaged or truncated ({e})",
                                     "Download the export again; the copy was probably cut short.")) from None


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
        raise BadSourceError(Problem(name, "the file ends in .zip but is not a readable zip archive",
                                     "Download the export again, or unzip it yourself and ingest the files."))
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir() and _is_data(Path(m.filename))]
        if len(members) > MAX_MEMBERS:
            raise BadSourceError(Problem(name, f"the zip holds {len(members)} files (limit {MAX_MEMBERS})",
                                         "Unzip it and ingest the folder."))
        if not members:
            raise BadSourceError(Problem(name, "the zip holds no billing file",
                                         "Check that you downloaded the right archive."))
        target = workdir / f"unzip-{_sha256(path)[:16]}"
        target.mkdir(parents=True, exist_ok=True)
        total = 0
        for i, m in enumerate(members):
            out = target / f"{i:05d}-{Path(m.filename).name}"
            limit = max(m.compress_size * MAX_RATIO, 1024 * 1024)
            written = 0
            with zf.open(m) as src, out.open("wb") as dst:
                while chunk := src.read(1024 * 1024):
                    written += len(chunk)
                    total += len(chunk)
                    if written > limit or total > MAX_UNZIPPED_BYTES:
                        dst.close()
                        shutil.rmtree(target, ignore_errors=True)
                        raise BadSourceError(Problem(
                            f"{name}!{m.filename}",
                            "the archive expands far beyond a real bill (compression ratio over "
                            f"{MAX_RATIO}:1 or over {MAX_UNZIPPED_BYTES // 1024**3} GiB): refused as a zip bomb",
                            "If it is a genuine export, unzip it yourself and ingest the extracted files."))
                    dst.write(chunk)
            yield from _open(out, f"{name}!{m.filename}", workdir)
