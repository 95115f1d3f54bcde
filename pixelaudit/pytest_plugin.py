"""pytest plugin (entry point `pytest11`): the `privacy_audit` fixture for pytest-playwright tests.

Loaded in every pytest run where pixelaudit is installed, so it imports nothing beyond pytest until a test asks
for the fixture.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

MAX_DIR_NAME = 120


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--privacy-audit-dir DIR` (or the `privacy_audit_dir` ini key)."""
    help_text = "write each privacy_audit test's findings.json and report.html into DIR/<test id>/"
    group = parser.getgroup("pixelaudit", "pixelaudit privacy audit")
    group.addoption("--privacy-audit-dir", metavar="DIR", default=None, help=help_text)
    parser.addini("privacy_audit_dir", help_text, default=None)


def audit_dir_name(nodeid: str) -> str:
    """A folder name for a test: its node id with every other character than [A-Za-z0-9._-] made `_`."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", nodeid).strip("_.") or "test"
    if len(name) > MAX_DIR_NAME:  # keep long parametrized ids apart
        name = name[:MAX_DIR_NAME - 9] + "-" + hashlib.sha256(nodeid.encode()).hexdigest()[:8]
    return name


@pytest.fixture
def privacy_audit(request: pytest.FixtureRequest, page):
    """A pixelaudit.privacy_audit.PrivacyAudit recording everything `page.context` loads during the test.

    The first party is the site of the first page the test navigates to (or set `privacy_audit.site`). Mark the
    consent choice just before the test clicks the banner (`privacy_audit.consent_rejected()` /
    `consent_given()`), then assert: `no_trackers_before_consent()`, `no_trackers_after_reject()`, `no_pixels()`,
    `no_third_party_cookies()`, `only_vendors(*names)`; or read `requests`, `trackers`, `pixels`, `cookies`,
    `findings`, `result()`. With `--privacy-audit-dir DIR`, findings.json and report.html of each test are
    written to DIR/<test id>/ after it, passed or failed.
    """
    from pixelaudit.privacy_audit import PrivacyAudit

    audit = PrivacyAudit(page.context, request.node.nodeid)
    yield audit
    if out := report_dir(request.config):
        audit.write(out / audit_dir_name(request.node.nodeid))


def report_dir(config: pytest.Config) -> Path | None:
    """--privacy-audit-dir (relative to where pytest was started), else the ini key (relative to the rootdir)."""
    if option := config.getoption("privacy_audit_dir"):
        return config.invocation_params.dir / option
    if ini := config.getini("privacy_audit_dir"):
        return config.rootpath / ini
    return None
