"""A second Companion process for the CLI tests: it opens the vault and holds it.

Run as `python -m tests.support.cli_vault_holder HOME`; it prints `ready` once it holds the
single-instance lock, then sleeps until the test kills it (or 60 s pass).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from companion.app import CompanionApp


def main(home: str) -> None:
    app = CompanionApp(Path(home))
    app.open()
    print("ready", flush=True)
    time.sleep(60)
    app.close()


if __name__ == "__main__":
    main(sys.argv[1])
