"""The landing folder as a night sees it: files to read, entries refused, and how to open a file
so that nothing outside the folder is ever read.

Anyone who can drop a file into the landing folder can also drop a symbolic link, a link to a
folder, or a named pipe. None of them is ever opened: a link could point at any file this
machine's night may read (its content would then be quarantined line by line and shown on the
report), and a pipe would block the night. They are refused with a reason that names the entry
only, never what it points at. Regular files are opened without following a link in the last
part of their path, and the file actually opened must lie inside the folder (checked on the open
descriptor, so a folder swapped for a link between the scan and the read is caught too). Every
later read, by Python or by DuckDB, reads that same file: its device and inode are kept, and
DuckDB is handed the descriptor, not the name.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dagster_project.lib.ingest.adapters.base import storable

# No link followed in the last part of the path; a named pipe does not block the open.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
# Linux names each open descriptor here; through it DuckDB reads the file that was checked.
_DESCRIPTORS = Path("/proc/self/fd")
WAITING_SUFFIXES = {".part", ".tmp"}

REFUSED_LINK = (
    "refused: a symbolic link; links are never followed (one could point at any file on this "
    "machine). Copy or move the export itself into the landing folder"
)
REFUSED_FOLDER_LINK = (
    "refused: a link to a folder; links are never followed (one could point anywhere on this "
    "machine). Copy the exports into the landing folder, or mount the share there"
)
REFUSED_OUTSIDE = (
    "refused: the file opened under this name lies outside the landing folder (a folder on its "
    "path was replaced by a link); nothing was read"
)


def refused_special(kind: str) -> str:
    return f"refused: not a regular file ({kind}); only files are read"


class LandedFileChanged(Exception):
    """The file under a landed name is no longer the one scanned (replaced, or removed)."""


@dataclass(frozen=True)
class RefusedEntry:
    """An entry of the landing folder that is never opened, and why."""

    source_file: str  # relative to the landing folder
    reason: str
    # Stands in for the content hash in the manifest: a hash of what the entry is (for a link,
    # its target's name), never of content it leads to, so an unchanged entry is recorded once.
    identity: str


@dataclass(frozen=True)
class LandedFile:
    """A regular file of the landing folder as scanned: where it is, what it holds."""

    path: Path
    source_file: str  # relative to the landing folder
    size: int
    digest: str
    has_blank_lines: bool
    device: int
    inode: int

    def open(self) -> BinaryIO:
        """The scanned file, opened for reading; LandedFileChanged when the name now leads to
        another file (or to none)."""
        try:
            descriptor = os.open(self.path, _OPEN_FLAGS)
        except OSError as error:
            now = "now a link" if self.path.is_symlink() else error.strerror
            raise LandedFileChanged(
                f"{self.source_file} changed after it was scanned ({now})"
            ) from None
        status = os.fstat(descriptor)
        if (status.st_dev, status.st_ino) != (self.device, self.inode):
            os.close(descriptor)
            raise LandedFileChanged(f"{self.source_file} was replaced after it was scanned")
        _blocking(descriptor)
        return os.fdopen(descriptor, "rb")

    @contextmanager
    def path_for_duckdb(self) -> Iterator[str]:
        """A path DuckDB opens to read exactly this file: the open descriptor's name where the
        system has one (no name, link or glob character of the landing folder involved)."""
        with self.open() as handle:
            descriptor_name = _DESCRIPTORS / str(handle.fileno())
            yield str(descriptor_name) if _DESCRIPTORS.is_dir() else str(self.path)


@contextmanager
def paths_for_duckdb(files: list[LandedFile]) -> Iterator[list[str]]:
    with ExitStack() as stack:
        yield [stack.enter_context(landed.path_for_duckdb()) for landed in files]


def source_name(root: Path, path: Path) -> str:
    """How the warehouse names a landed entry: its path in the landing folder (an undecodable
    byte of the name written as its escape)."""
    return storable(path.relative_to(root).as_posix())


def _blocking(descriptor: int) -> None:
    os.set_blocking(descriptor, True)


def _waiting(relative: Path) -> bool:
    """Hidden entries and partial downloads wait until they are complete."""
    return any(part.startswith(".") for part in relative.parts) or (
        relative.suffix in WAITING_SUFFIXES
    )


def _identity(kind: str, detail: bytes = b"") -> str:
    return hashlib.sha256(kind.encode() + b"\0" + detail).hexdigest()


def _special_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "an entry of an unknown kind"


def _link_entry(root: Path, path: Path, reason: str) -> RefusedEntry:
    try:
        target = os.readlink(path).encode("utf-8", "surrogateescape")
    except OSError:
        target = b""
    return RefusedEntry(source_name(root, path), reason, _identity("link", target))


def scan_landing(root: Path) -> tuple[list[Path], list[RefusedEntry]]:
    """Regular files to read (sorted) and refused entries, without following any link."""
    root = Path(root)
    if not root.is_dir():
        return [], []
    files: list[Path] = []
    refused: list[RefusedEntry] = []
    for folder, subfolders, names in os.walk(root, followlinks=False):
        here = Path(folder)
        kept = []
        for name in subfolders:
            path = here / name
            if _waiting(path.relative_to(root)):
                continue
            if path.is_symlink():
                refused.append(_link_entry(root, path, REFUSED_FOLDER_LINK))
            else:
                kept.append(name)
        subfolders[:] = kept
        for name in names:
            path = here / name
            relative = path.relative_to(root)
            if _waiting(relative):
                continue
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                refused.append(_link_entry(root, path, REFUSED_LINK))
            elif stat.S_ISREG(mode):
                files.append(path)
            else:
                kind = _special_kind(mode)
                refused.append(
                    RefusedEntry(source_name(root, path), refused_special(kind), _identity(kind))
                )
    return sorted(files), sorted(refused, key=lambda entry: entry.source_file)


_BLANK_LINE = re.compile(rb"\n[ \t\r]*\n")
_WHITESPACE_TAIL = re.compile(rb"\n[ \t\r]*")


def _hash_and_blank_lines(handle: BinaryIO) -> tuple[str, bool]:
    """(SHA-256, whether a blank line precedes a record) in one read of the file.

    DuckDB's JSON reader skips blank lines, so record numbers only equal line numbers when
    there are none; a file with blank lines is read by the Python adapter instead.
    """
    digest = hashlib.sha256()
    blank = False
    carry = b"\n"  # the start of the file is a line start
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
        if blank:
            continue
        data = carry + block
        blank = _BLANK_LINE.search(data) is not None
        tail = data[data.rfind(b"\n") :]
        carry = tail if _WHITESPACE_TAIL.fullmatch(tail) else b""
    return digest.hexdigest(), blank


def scan_file(path: Path) -> tuple[str, bool]:
    """(SHA-256, blank lines) of a file at ``path`` (opened without following a link)."""
    with os.fdopen(os.open(path, _OPEN_FLAGS), "rb") as handle:
        return _hash_and_blank_lines(handle)


def _inside(root: Path, descriptor: int) -> bool:
    """Whether the file open on ``descriptor`` lies inside ``root`` (where the system says)."""
    name = _DESCRIPTORS / str(descriptor)
    if not _DESCRIPTORS.is_dir():
        return True  # no such record on this system: the walk refused every link already
    try:
        Path(os.readlink(name)).relative_to(root)
    except (OSError, ValueError):
        return False
    return True


def scan_landed(root: Path, path: Path) -> LandedFile | RefusedEntry:
    """Open, check and hash one file found by ``scan_landing``. Raises LandedFileChanged when
    it is gone."""
    source_file = source_name(root, path)
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise LandedFileChanged(f"{source_file} was removed after it was found") from None
    except OSError as error:
        if path.is_symlink():
            return _link_entry(root, path, REFUSED_LINK)
        raise LandedFileChanged(f"{source_file}: {error.strerror}") from None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            kind = _special_kind(status.st_mode)
            return RefusedEntry(source_file, refused_special(kind), _identity(kind))
        if not _inside(root.resolve(), descriptor):
            return RefusedEntry(source_file, REFUSED_OUTSIDE, _identity("outside"))
        _blocking(descriptor)
        digest, blank = _hash_and_blank_lines(handle)
    return LandedFile(
        path, source_file, status.st_size, digest, blank, status.st_dev, status.st_ino
    )
