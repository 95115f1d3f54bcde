"""`pixelaudit batch`: three fixture sites (no trackers, leaky, HTTP 503) scanned locally, then the same batch on
a real Dask LocalCluster of two worker processes, which must find the same things."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

SITES_FILE = """# the batch test's sites
https://compliant.consent-judge.com/

leaky.consent-judge.com   # a bare host gets https://
https://status.pixel-lab.com/
"""
COMPLIANT, LEAKY, DOWN = ("https://compliant.consent-judge.com/", "https://leaky.consent-judge.com/",
                          "https://status.pixel-lab.com/")


def run_batch(sites, tmp_path: Path, out: Path, *extra: str) -> tuple[int, str, dict]:
    """`pixelaudit batch` as a user runs it, outside the checkout; returns exit code, stdout, batch.json."""
    (tmp_path / "sites.txt").write_text(SITES_FILE)
    argv = [sys.executable, "-m", "pixelaudit", "batch", str(tmp_path / "sites.txt"), "--out", str(out),
            "--scenarios", "no-interaction", "--resolve", sites.resolve, "--trust-cert", str(sites.leaf_pem),
            "--wait", "1", "--timeout", "10", "--quiet", *extra]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert (out / "batch.json").is_file(), proc.stderr
    return proc.returncode, proc.stdout, json.loads((out / "batch.json").read_text())


def seen(out: Path, host: str) -> set[tuple[str, str | None, str | None]]:
    """A site's findings as (type, host, scenario): what must not depend on where the scan ran."""
    data = json.loads((out / host / "findings.json").read_text())
    return {(f["type"], f["host"], f["scenario"]) for f in data["findings"]}


@pytest.fixture(scope="module")
def local(sites, tmp_path_factory):
    """The batch run in one process (shared by the tests that compare with it)."""
    tmp = tmp_path_factory.mktemp("batch-local")
    return (tmp / "out", *run_batch(sites, tmp, tmp / "out", "--jobs", "2"))  # two sites at a time


def test_local_batch_gives_each_site_its_own_outcome(local):
    out, code, stdout, index = local
    rows = {r["target"]: r for r in index["sites"]}
    assert list(rows) == [COMPLIANT, LEAKY, DOWN]  # the file's order, comments and blank lines skipped
    assert {k: rows[COMPLIANT][k] for k in ("complete", "high", "medium", "low", "info", "error")} == {
        "complete": True, "high": 0, "medium": 0, "low": 0, "info": 0, "error": None}
    assert {k: rows[LEAKY][k] for k in ("complete", "high", "medium", "low", "info", "error")} == {
        "complete": True, "high": 4, "medium": 0, "low": 0, "info": 2, "error": None}
    assert rows[DOWN]["complete"] is False and "HTTP 503" in rows[DOWN]["error"]
    assert code == 3  # one site incomplete: the batch did not audit everything
    for host in ("compliant.consent-judge.com", "leaky.consent-judge.com", "status.pixel-lab.com"):
        assert (out / host / "findings.json").is_file() and (out / host / "report.html").is_file()
    assert rows[LEAKY]["out_dir"] == str(out / "leaky.consent-judge.com")
    with (out / "batch.csv").open() as f:
        table = list(csv.DictReader(f))
    assert [(r["target"], r["complete"], r["high"]) for r in table] == [
        (COMPLIANT, "True", "0"), (LEAKY, "True", "4"), (DOWN, "False", "0")]
    assert "leaky.consent-judge.com/: complete; findings: 4 high" in stdout
    assert seen(out, "compliant.consent-judge.com") == set()
    assert {t for t, _h, _s in seen(out, "leaky.consent-judge.com")} >= {"tracker-before-consent"}


def test_bad_sites_file_fails_at_start_with_its_line(cli, tmp_path):
    (tmp_path / "sites.txt").write_text("https://compliant.consent-judge.com/\nftp://nope.example/\n")
    code, _out, err, _ = cli("batch", str(tmp_path / "sites.txt"), "--out", str(tmp_path / "out"))
    assert code == 2 and "sites.txt:2:" in err and not (tmp_path / "out").exists()


def test_dask_cluster_finds_what_the_local_run_found(local, sites, tmp_path_factory):
    distributed = pytest.importorskip("distributed")
    local_out, _code, _stdout, local_index = local
    tmp = tmp_path_factory.mktemp("batch-dask")

    def start():  # a worker thread keeps the cluster's event loop apart from pytest-playwright's
        return distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)

    with ThreadPoolExecutor(1) as pool:
        cluster = pool.submit(start).result()
    try:
        code, _stdout, index = run_batch(sites, tmp, tmp / "out", "--dask-scheduler",
                                         cluster.scheduler_address)
    finally:
        with ThreadPoolExecutor(1) as pool:
            pool.submit(cluster.close).result()
    assert index["options"]["dask_scheduler"] == cluster.scheduler_address
    strip = ("out_dir",)
    assert [{k: v for k, v in r.items() if k not in strip} for r in index["sites"]] == [
        {k: v for k, v in r.items() if k not in strip} for r in local_index["sites"]]
    assert code == 3
    for host in ("compliant.consent-judge.com", "leaky.consent-judge.com", "status.pixel-lab.com"):
        assert seen(tmp / "out", host) == seen(local_out, host)
