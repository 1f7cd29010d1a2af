"""Figures that tests want the person running them to see, even under pytest-xdist (whose
workers' output is not shown): tests append lines to a file that the root conftest prints
in the terminal summary."""

import os
from pathlib import Path

REPORT_FILE = (
    Path(os.environ.get("COLOMBE_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    / "test-report.txt"
)


def report(line: str) -> None:
    REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
    with REPORT_FILE.open("a") as file:
        file.write(line + "\n")
