"""Shared by the bench scripts: write one script's section of bench/README.md, keeping the others."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def write_results(section: str, body: str) -> None:
    """Replace (or append) the section headed ``## {section}`` with ``body``."""
    text = README.read_text(encoding="utf-8")
    block = f"## {section}\n\n{body}\n"
    pattern = re.compile(rf"## {re.escape(section)}\n.*?(?=\n## |\Z)", re.S)
    # A function replacement: the body's backslashes and group references stay literal.
    text = pattern.sub(lambda _match: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block
    README.write_text(text, encoding="utf-8")
