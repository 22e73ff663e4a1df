"""Make the project importable when a benchmark runs as `python3 benchmarks/NAME.py`.

Running a file puts `benchmarks/` first on sys.path, not the project root; an editable install
(`pip install -e .`) makes this a no-op. Imported for its side effect, before `companion`.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORK = BENCH_DIR / ".work"  # git-ignored: every generated vault, journal and result lives here
RESULTS = WORK / "results"  # full runs; --quick runs go to results-quick/, never mixed
QUICK_RESULTS = WORK / "results-quick"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
