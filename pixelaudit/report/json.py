"""findings.json: the machine-readable result (schema version 1), written as UTF-8 JSON."""

from __future__ import annotations

import json
from pathlib import Path


def write(result: dict, out_dir: Path) -> list[Path]:
    """Write `findings.json` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "findings.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)  # never leave a half-written file behind
    return [path]
