"""Benchmark: e-mail scanning throughput and memory on a generated mbox, beside a bare Playwright baseline.

The mbox is made from the suite's fixture mails (tests/data/email), each copy with its own Message-ID and
per-recipient tokens. pixelaudit's batch scan (safe mode, reports as JSON, no screenshots unless --shots)
runs in a child process for N and for 10×N messages, so each peak RSS is that run's own; the baseline is
a bare Playwright page that sets each message's HTML body in turn (no interception, no analysis), in the
same run. Prints messages per second, the ratio to the baseline, and peak RSS per size (flat = good).

    python tests/bench/bench_mail.py [--messages 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from email import message_from_bytes, policy
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "email"


def make_mbox(path: Path, count: int) -> Path:
    """`count` messages cycled from the fixtures, each made unique (Message-ID and a token in its body)."""
    sources = sorted(p.read_bytes() for p in DATA.glob("*.eml"))
    with path.open("wb") as out:
        for n in range(count):
            raw = sources[n % len(sources)].replace(b"jane.doe@example.com", f"reader{n}@example.com".encode())
            msg = message_from_bytes(raw, policy=policy.default)
            del msg["Message-ID"]
            msg["Message-ID"] = f"<bench-{n}@bench.example>"
            data = msg.as_bytes(policy=policy.SMTP).replace(b"\nFrom ", b"\n>From ")
            out.write(b"From bench@bench.example Thu Jan  1 00:00:00 2026\n" + data.replace(b"\r\n", b"\n") + b"\n")
    return path


def child_scan(mbox: str, out: str, shots: bool) -> None:
    """Run in a child process: scan the mbox, print JSON with seconds and this process's peak RSS."""
    from pixelaudit.mail.scan import MailConfig, scan_mail
    from pixelaudit.report import write_reports
    from pixelaudit.rules import load_rules

    def write(data, out_dir, screenshot):
        out_dir.mkdir(parents=True, exist_ok=True)
        if screenshot:
            (out_dir / "mail.png").write_bytes(screenshot)
        return write_reports(data, out_dir, ("json",))

    rules = load_rules()
    start = time.perf_counter()
    index, _ = asyncio.run(scan_mail(MailConfig(path=Path(mbox), out_dir=Path(out), screenshots=shots,
                                                formats=("json",)), rules, rules_info={}, write=write))
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "messages": index["summary"]["messages"],
                      "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "pixels": index["summary"]["with_pixels"]}))


def run_child(mbox: Path, out: Path, shots: bool) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", str(mbox), str(out), *(["--shots"] if shots else [])],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


async def bare(mbox: Path) -> tuple[float, int]:
    """The least a renderer does: one page, set each message's HTML (scripts off), wait for load."""
    import mailbox

    from playwright.async_api import async_playwright

    from pixelaudit.browser import QUIET_ARGS, find_chromium

    bodies = []
    for msg in mailbox.mbox(str(mbox)):
        parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
        part = parsed.get_body(preferencelist=("html", "plain"))
        bodies.append(part.get_content() if part is not None else "")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=find_chromium().path,
                                          args=[*QUIET_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND"])
        page = await (await browser.new_context(java_script_enabled=False)).new_page()
        start = time.perf_counter()
        for html in bodies:
            await page.set_content(html, wait_until="load")
        seconds = time.perf_counter() - start
        await browser.close()
    return seconds, len(bodies)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--shots", action="store_true", help="also take each mail's screenshot")
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        child_scan(*args.child, args.shots)
        return
    with tempfile.TemporaryDirectory(prefix="pixelaudit-bench-mail-") as tmp:
        root = Path(tmp)
        small, large = max(1, args.messages // 10), args.messages
        runs = {}
        for count in (small, large):
            mbox = make_mbox(root / f"bench-{count}.mbox", count)
            runs[count] = run_child(mbox, root / f"out-{count}", args.shots)
        base_seconds, base_count = asyncio.run(bare(root / f"bench-{large}.mbox"))
    big = runs[large]
    rate, base_rate = big["messages"] / big["seconds"], base_count / base_seconds
    print(f"e-mail batch, {big['messages']} messages (safe mode, JSON, screenshots {'on' if args.shots else 'off'})")
    print(f"pixelaudit scan           {rate:8.1f} messages/s  ({big['seconds']:.1f} s, {big['pixels']} with pixels)")
    print(f"bare set_content baseline {base_rate:8.1f} messages/s  ratio pixelaudit / baseline speed "
          f"{rate / base_rate:.2f}")
    for count, run in runs.items():
        print(f"peak RSS, {count:>5} messages {run['rss_mib']:8.0f} MiB (Python process; Chromium not counted)")
    print(f"memory growth 10x messages: {runs[large]['rss_mib'] / runs[small]['rss_mib']:.2f}x (flat = 1.0)")


if __name__ == "__main__":
    main()
