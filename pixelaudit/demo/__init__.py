"""The bundled demo: a small staging shop with a cookie banner, vendor pixels and first-party analytics,
served on loopback under real-looking hostnames and scanned like any site."""

from __future__ import annotations

import shlex
from importlib.resources import files
from pathlib import Path

DEMO_TARGET = "https://www.northwind-shop.com/"


def demo_site_root() -> Path:
    """Folder of the demo's virtual hosts (ships inside the package)."""
    return Path(str(files("pixelaudit.demo").joinpath("site")))


def run_demo(out: Path, quiet: bool = False) -> int:
    """Serve the demo site, scan it with the real CLI, print where the report is; return the exit code."""
    from pixelaudit.cli import app
    from pixelaudit.demo.server import SiteServer

    with SiteServer(demo_site_root()) as server:
        args = ["scan", DEMO_TARGET, "--resolve", server.resolve, "--trust-cert", str(server.leaf_pem),
                "--out", str(out), "--fail-on", "none", "--format", "json,html,csv"]
        if quiet:
            args.append("--quiet")
        print(f"Demo shop served on 127.0.0.1:{server.port} as www.northwind-shop.com and its vendors.")
        print("Running: pixelaudit " + shlex.join(args))
        code = app(args, standalone_mode=False, prog_name="pixelaudit")
    code = code if isinstance(code, int) else 0
    report = out / "report.html"
    if report.is_file():
        print(f"\nOpen the report: {report.resolve()}")
    return code
