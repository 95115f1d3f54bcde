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
Header = Annotated[list[str] | None, typer.Option(
    "--header", "-H", envvar="PIXELAUDIT_HEADER", help="'Name: value' sent with requests to the target's origin only.")]
HttpCredentials = Annotated[str | None, typer.Option(
    "--http-credentials", envvar="PIXELAUDIT_HTTP_CREDENTIALS",
    help="USER:PASS for HTTP authentication, sent to the target's origin only.")]
FilterList = Annotated[list[Path] | None, typer.Option(
    "--filter-list", envvar="PIXELAUDIT_FILTER_LIST",
    help="An Adblock Plus list you supply (e.g. EasyPrivacy) for trackers our rules do not name.")]
Heuristics = Annotated[bool, typer.Option(
    "--heuristics/--no-heuristics", envvar="PIXELAUDIT_HEURISTICS",
    help="Report unknown third parties that send identifiers as trackers (category unknown).")]
# crawl and batch: per page (scan's own say "the page")
PageTimeout = Annotated[float, typer.Option("--timeout", envvar="PIXELAUDIT_TIMEOUT", min=1,
                                            help="Seconds for each page to load.")]
PageWait = Annotated[float, typer.Option("--wait", envvar="PIXELAUDIT_WAIT", min=0,
                                         help="At most this many seconds per page for the network to go quiet.")]
