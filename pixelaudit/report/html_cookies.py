"""The HTML report's cookie rows: lifetime in plain words, measured from the scan's own time, and the flag for
lifetimes beyond the 13-month benchmark."""

from __future__ import annotations

import datetime as dt

from pixelaudit.report.html_time import display_time

DAY = 86400.0
MONTH = 365.2425 / 12 * DAY  # the mean Gregorian month
BENCHMARK_MONTHS = 13
# A lifetime measured from the scan's end is at most the scan's length shorter than the one set; one day of
# slack keeps a cookie set for exactly 13 months (390-396 days, as sites round it) from being flagged.
BENCHMARK_SECONDS = BENCHMARK_MONTHS * MONTH + DAY
BENCHMARK_NOTE = ("Benchmark: the CNIL (the French data protection authority) holds 13 months to be the longest "
                  "lifetime for a tracker (recommendation on cookies, deliberation no. 2013-378 of 5 December 2013; "
                  "kept for audience-measurement cookies in its guidelines, deliberation no. 2020-091 of "
                  "17 September 2020). Longer lifetimes are flagged; this is a regulator's benchmark, not a limit "
                  "written in the GDPR. Chromium caps every cookie at 400 days, so a site asking for 2 years shows "
                  "as 400 days (13 months, flagged).")


def remaining_seconds(expires: float | None, reference: dt.datetime | None) -> float | None:
    """Seconds from the scan's time to the cookie's expiry; None for session cookies or without a time."""
    if expires is None or expires < 0 or reference is None:  # Playwright reports session cookies as -1
        return None
    return expires - reference.timestamp()


def lifetime(expires: float | None, reference: dt.datetime | None) -> str:
    """A cookie's remaining life at scan time: "session", "expired", "45 minutes", "30 days", "3 months",
    "13 months (395 days)", "2 years". Measured from the scan's own time, so re-rendering the same findings.json
    gives the same text."""
    if expires is None or expires < 0:
        return "session"
    if reference is None:
        return f"until {display_time(dt.datetime.fromtimestamp(expires, dt.UTC).isoformat())}"
    seconds = expires - reference.timestamp()
    if seconds <= 0:
        return "expired"
    if seconds < 3600:
        return _plural(max(1, round(seconds / 60)), "minute")
    if seconds < DAY:
        return _plural(round(seconds / 3600), "hour")
    if seconds < 45 * DAY:  # up to six weeks, days read better than "1 month"
        return _plural(round(seconds / DAY), "day")
    months = round(seconds / MONTH)
    if months >= 24:
        return _plural(round(seconds / (12 * MONTH)), "year")
    if months >= 12:  # near the 13-month benchmark the days tell a flagged 400 from an unflagged 395
        return f"{months} months ({round(seconds / DAY)} days)"
    return _plural(months, "month")


def over_benchmark(expires: float | None, reference: dt.datetime | None) -> bool:
    """True when the cookie outlives the 13-month benchmark."""
    seconds = remaining_seconds(expires, reference)
    return seconds is not None and seconds > BENCHMARK_SECONDS


def cookie_row(cookie: dict, reference: dt.datetime | None) -> dict:
    """One cookie as the report shows it: lifetime words, the benchmark flag, flags and vendor."""
    flags = [name for key, name in (("secure", "Secure"), ("http_only", "HttpOnly")) if cookie.get(key)]
    if cookie.get("same_site"):
        flags.append(f"SameSite={cookie['same_site']}")
    return {**cookie, "lifetime": lifetime(cookie.get("expires"), reference),
            "too_long": over_benchmark(cookie.get("expires"), reference), "flags": flags,
            "vendor": (cookie.get("tracker") or {}).get("vendor")}


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
