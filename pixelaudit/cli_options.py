"""Options `scan`, `crawl` and `batch` share, defined once (flag, PIXELAUDIT_* variable, help)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Resolve = Annotated[list[str] | None, typer.Option(
    "--resolve", envvar="PIXELAUDIT_RESOLVE",
    help="HOST[:PORT]=IP[:PORT]: connect to IP for HOST, like curl --resolve; '*' maps every host.")]
TrustCert = Annotated[list[Path] | None, typer.Option(
    "--trust-cert", envvar="PIXELAUDIT_TRUST_CERT",
    help="Trust this leaf certificate (PEM/DER) by its public-key pin; safer than --ignore-https-errors.")]
IgnoreHttpsErrors = Annotated[bool, typer.Option(
    "--ignore-https-errors", envvar="PIXELAUDIT_IGNORE_HTTPS_ERRORS", help="Accept any TLS certificate.")]
UserAgent = Annotated[str | None, typer.Option(
    "--user-agent", envvar="PIXELAUDIT_USER_AGENT", help="User agent [default: desktop Chrome].")]
FailOn = Annotated[str, typer.Option(
    "--fail-on", envvar="PIXELAUDIT_FAIL_ON", help="Exit 1 on findings at/above: high, medium, low, info, none.")]
Chromium = Annotated[str | None, typer.Option(
    "--chromium", envvar="PIXELAUDIT_CHROMIUM", help="Path of the Chromium binary to use.")]
