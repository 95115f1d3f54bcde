"""`OUT/manifest.json`: the SHA-256 and size of every file a scan wrote (findings.json, reports, evidence/),
with the tool and browser versions, target and time; and `verify`, which recomputes the hashes.

The manifest cannot hash itself: its own SHA-256, printed by the scan, is what a ticket or a regulator's
file should record to detect later edits of the manifest.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

from pixelaudit import __version__

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
CHUNK = 1 << 20


class ManifestError(Exception):
    """DIR has no manifest, or it is not a manifest we can check (exit code 2)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One difference between the folder and its manifest."""

    kind: str  # "changed" | "missing" | "extra" | "manifest-changed"
    path: str  # relative to the folder, with forward slashes
    expected: str | None = None  # sha256
    actual: str | None = None

    def line(self) -> str:
        """One line naming the file, e.g. `changed: findings.json (sha256 expected 1a2b3c4d…, actual 9f8e7d6c…)`."""
        if self.kind in ("changed", "manifest-changed"):
            return (f"changed: {self.path} (sha256 expected {self.expected[:12]}…, actual {self.actual[:12]}…; "
                    + ("the manifest itself was edited)" if self.kind == "manifest-changed" else "edited)"))
        if self.kind == "missing":
            return f"missing: {self.path} (listed in the manifest, not in the folder)"
        return f"extra: {self.path} (in the folder, not in the manifest)"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What `verify` found: the problems, how many files were checked, and the manifest's own hash."""

    problems: tuple[Problem, ...]
    checked: int
    manifest_sha256: str

    @property
    def ok(self) -> bool:
        return not self.problems


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks (HARs and screenshots can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _versions(result: dict) -> dict:
    try:
        playwright = version("playwright")
    except PackageNotFoundError:
        playwright = None
    return {"tool": {"name": "pixelaudit", "version": __version__},
            "browser": result.get("browser") or {"name": "chromium", "version": None},
            "playwright": playwright, "python": platform.python_version()}


def build(out_dir: Path, files: list[Path], result: dict, now: datetime | None = None) -> dict:
    """The manifest of `files` (inside `out_dir`), each once, in path order."""
    entries = {}
    for path in files:
        rel = path.resolve().relative_to(out_dir.resolve()).as_posix()
        if rel != MANIFEST_NAME and path.is_file():
            entries[rel] = {"path": rel, "sha256": sha256_file(path), "size": path.stat().st_size}
    return {"manifest_version": MANIFEST_VERSION, **_versions(result), "target": result.get("target"),
            "scan_started_at": result.get("started_at"),
            "created_at": (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "algorithm": "sha256", "files": [entries[k] for k in sorted(entries)]}


def write(out_dir: Path, files: list[Path], result: dict) -> tuple[Path, str]:
    """Write OUT/manifest.json; returns its path and its own SHA-256 (to record elsewhere)."""
    manifest = build(out_dir, files, result)
    path = out_dir / MANIFEST_NAME
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path, sha256_file(path)


def load(out_dir: Path) -> dict:
    """Read and check DIR/manifest.json's shape; ManifestError with one line saying what is wrong."""
    path = out_dir / MANIFEST_NAME
    if not out_dir.is_dir():
        raise ManifestError(f"{out_dir}: no such folder")
    if not path.is_file():
        raise ManifestError(f"{path}: no manifest (scan with --evidence writes one)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: not valid JSON ({exc})") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, list):
        raise ManifestError(f"{path}: not a pixelaudit manifest (no list of files)")
    for i, entry in enumerate(files):
        if not (isinstance(entry, dict) and isinstance(entry.get("path"), str)
                and isinstance(entry.get("sha256"), str)):
            raise ManifestError(f"{path}: files[{i}] needs a path and a sha256")
        rel = PurePosixPath(entry["path"])
        if rel.is_absolute() or ".." in rel.parts or not rel.parts or "\\" in entry["path"]:
            raise ManifestError(f"{path}: files[{i}] path {entry['path']!r} points outside the folder")
    return manifest


def _present(out_dir: Path) -> set[str]:
    return {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*")
            if p.is_file() and p.relative_to(out_dir).as_posix() != MANIFEST_NAME}


def verify(out_dir: Path, manifest_sha256: str | None = None) -> Verdict:
    """Recompute every hash in DIR/manifest.json; list changed, missing and unlisted files.

    `manifest_sha256` (a hash recorded when the bundle was made, or its first 8+ hex digits) also checks the
    manifest itself."""
    manifest = load(out_dir)
    own = sha256_file(out_dir / MANIFEST_NAME)
    problems: list[Problem] = []
    if manifest_sha256 and not own.startswith(manifest_sha256.strip().lower()):
        problems.append(Problem("manifest-changed", MANIFEST_NAME, manifest_sha256.strip().lower(), own))
    listed = set()
    for entry in manifest["files"]:
        rel = entry["path"]
        listed.add(rel)
        path = out_dir / rel
        if not path.is_file():
            problems.append(Problem("missing", rel, entry["sha256"]))
        elif (actual := sha256_file(path)) != entry["sha256"].lower():
            problems.append(Problem("changed", rel, entry["sha256"], actual))
    problems += [Problem("extra", rel) for rel in sorted(_present(out_dir) - listed)]
    return Verdict(tuple(problems), len(listed), own)
