"""manifest.json: building it over a scan's files, and verify naming exactly what changed."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest

from pixelaudit.manifest import MANIFEST_NAME, ManifestError, build, sha256_file, verify, write

RESULT = {"target": "https://shop.example/", "started_at": "2026-11-24T10:00:00Z",
          "browser": {"name": "chromium", "version": "156.0.8078.79"}}


@pytest.fixture
def bundle(tmp_path):
    """A scan folder: findings.json, report.html, two evidence files, and its manifest."""
    files = {"findings.json": b'{"schema_version": 1}\n', "report.html": b"<!doctype html><p>ok</p>",
             "evidence/no-interaction.har": b'{"log": {"entries": []}}',
             "evidence/no-interaction-page1.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256))}
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    _path, own = write(tmp_path, [tmp_path / rel for rel in files], RESULT)
    return tmp_path, own


def test_manifest_lists_every_file_with_its_hash_size_and_provenance(bundle):
    folder, own = bundle
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    assert [f["path"] for f in manifest["files"]] == sorted(
        ["findings.json", "report.html", "evidence/no-interaction.har", "evidence/no-interaction-page1.png"])
    for entry in manifest["files"]:
        data = (folder / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["size"] == len(data)
    assert manifest["target"] == "https://shop.example/" and manifest["algorithm"] == "sha256"
    assert manifest["tool"]["name"] == "pixelaudit" and manifest["browser"]["version"] == "156.0.8078.79"
    assert manifest["playwright"] and manifest["created_at"].endswith("Z")
    assert own == hashlib.sha256((folder / MANIFEST_NAME).read_bytes()).hexdigest()


def test_build_never_lists_the_manifest_itself_nor_a_file_twice(tmp_path):
    (tmp_path / "findings.json").write_text("{}")
    (tmp_path / MANIFEST_NAME).write_text("{}")
    manifest = build(tmp_path, [tmp_path / "findings.json", tmp_path / "findings.json", tmp_path / MANIFEST_NAME],
                     RESULT, now=datetime(2026, 11, 24, 10, 0, 5, tzinfo=UTC))
    assert [f["path"] for f in manifest["files"]] == ["findings.json"]
    assert manifest["created_at"] == "2026-11-24T10:00:05Z"


def test_intact_bundle_verifies(bundle):
    folder, own = bundle
    verdict = verify(folder)
    assert verdict.ok and verdict.checked == 4 and verdict.manifest_sha256 == own
    assert verify(folder, own[:8]).ok and verify(folder, own.upper()).ok


def test_one_changed_byte_names_that_file_with_both_hash_prefixes(bundle):
    folder, _own = bundle
    png = folder / "evidence/no-interaction-page1.png"
    expected = sha256_file(png)
    data = bytearray(png.read_bytes())
    data[100] ^= 1
    png.write_bytes(bytes(data))
    (problem,) = verify(folder).problems
    assert (problem.kind, problem.path) == ("changed", "evidence/no-interaction-page1.png")
    assert problem.line() == (f"changed: evidence/no-interaction-page1.png (sha256 expected {expected[:12]}…, "
                              f"actual {sha256_file(png)[:12]}…; edited)")


def test_deleted_file_is_missing(bundle):
    folder, _own = bundle
    (folder / "report.html").unlink()
    (problem,) = verify(folder).problems
    assert problem.line() == "missing: report.html (listed in the manifest, not in the folder)"


def test_file_not_in_the_manifest_is_extra_wherever_it_is(bundle):
    folder, _own = bundle
    (folder / "evidence" / "added.png").write_bytes(b"x")
    (folder / "notes.txt").write_text("later")
    problems = verify(folder).problems
    assert [(p.kind, p.path) for p in problems] == [("extra", "evidence/added.png"), ("extra", "notes.txt")]
    assert problems[1].line() == "extra: notes.txt (in the folder, not in the manifest)"


def test_edited_manifest_hash_shows_as_a_changed_file_and_against_the_recorded_manifest_hash(bundle):
    folder, own = bundle
    path = folder / MANIFEST_NAME
    manifest = json.loads(path.read_text())
    entry = next(f for f in manifest["files"] if f["path"] == "findings.json")
    entry["sha256"] = "0" * 64
    path.write_text(json.dumps(manifest))
    kinds = [(p.kind, p.path) for p in verify(folder, own).problems]
    assert kinds == [("manifest-changed", MANIFEST_NAME), ("changed", "findings.json")]


def test_manifest_rewritten_to_match_a_forged_file_is_caught_only_by_the_recorded_hash(bundle):
    folder, own = bundle
    (folder / "findings.json").write_text('{"schema_version": 1, "forged": true}\n')
    write(folder, [folder / rel for rel in ("findings.json", "report.html", "evidence/no-interaction.har",
                                            "evidence/no-interaction-page1.png")], RESULT)
    assert verify(folder).ok  # self-consistent again: only the hash recorded at scan time tells
    (problem,) = verify(folder, own).problems
    assert problem.kind == "manifest-changed" and problem.line().startswith("changed: manifest.json")


@pytest.mark.parametrize(("text", "reason"), [
    (None, "no manifest"), ("{", "not valid JSON"), ("[]", "not a pixelaudit manifest"),
    ('{"files": [{"path": "a"}]}', "needs a path and a sha256"),
    ('{"files": [{"path": "../secret", "sha256": "00"}]}', "outside the folder"),
    ('{"files": [{"path": "/etc/passwd", "sha256": "00"}]}', "outside the folder"),
])
def test_unusable_manifest_is_an_error(tmp_path, text, reason):
    if text is not None:
        (tmp_path / MANIFEST_NAME).write_text(text)
    with pytest.raises(ManifestError, match=reason):
        verify(tmp_path)


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(ManifestError, match="no such folder"):
        verify(tmp_path / "nope")
