"""The bundled executable's entry point: the same dispatch as the `companion` console script
(`companion.cli:console_main`), so the one executable runs both the CLI and, with no command,
the app."""

import sys

from companion.cli import console_main

if __name__ == "__main__":
    sys.exit(console_main())
