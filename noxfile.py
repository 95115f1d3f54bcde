"""Developer sessions. Each installs what it needs, the browser included, on a fresh machine.

    python3 -m nox -s demo     # scan the bundled demo shop, print where the report is
    python3 -m nox -s tests    # the whole test suite (unit + end-to-end in headless Chromium)
    python3 -m nox -s lint     # ruff
    python3 -m nox -s bench    # scan speed vs a bare Playwright load of the same page
"""

import nox

nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests"]


def _install(session: nox.Session, extras: str = "") -> None:
    # A plain (non-editable) install: what the tests and the demo run is what a wheel ships.
    session.install(f".{extras}")
    session.run("pixelaudit", "install-browser")


@nox.session
def tests(session: nox.Session) -> None:
    """Unit and end-to-end tests."""
    _install(session, "[test]")
    session.run("pytest", *(session.posargs or ["-q"]))


@nox.session
def demo(session: nox.Session) -> None:
    """Scan the bundled demo staging shop."""
    _install(session)
    session.run("pixelaudit", "demo", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Static checks."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", "pixelaudit", "tests", "noxfile.py")


@nox.session
def bench(session: nox.Session) -> None:
    """Print scan wall time beside a bare Playwright load of the same page, and their ratio."""
    _install(session)
    session.run("python", "tests/bench/bench_scan.py", *session.posargs)
    session.run("python", "tests/bench/bench_mail.py")
    session.run("python", "tests/bench/bench_crawl.py")
