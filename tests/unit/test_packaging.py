"""A plain wheel ships everything a scan needs: rules, templates, page scripts, the demo site."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    (path,) = out.glob("pixelaudit-*.whl")
    return zipfile.ZipFile(path)


def test_wheel_ships_rules_templates_scripts_and_demo(wheel):
    names = set(wheel.namelist())
    rules = sorted(n for n in names if n.startswith("pixelaudit/_rules/trackers/") and n.endswith(".yaml"))
    source_rules = sorted((ROOT / "rules" / "trackers").glob("*.yaml"))
    assert len(rules) == len(source_rules) > 0
    for needed in ("pixelaudit/report/templates/report.html.j2", "pixelaudit/js/hooks.js", "pixelaudit/js/dom.js",
                   "pixelaudit/report/templates/report.css", "pixelaudit/report/templates/email.html.j2",
                   "pixelaudit/report/templates/email_batch.html.j2", "pixelaudit/js/consent.js",
                   "pixelaudit/js/mail_dom.js", "pixelaudit/_rules/mail/platforms.yaml",
                   "pixelaudit/demo/site/www.northwind-shop.com/index.html",
                   "pixelaudit/demo/site/www.facebook.com/_routes.toml"):
        assert needed in names, needed
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "pixelaudit = pixelaudit.cli:main" in wheel.read(entry).decode()
    assert not any(n.startswith("tests/") for n in names)
