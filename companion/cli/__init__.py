"""The `companion` command line: entry point (entry.main), grammar (parser, parser_groups),
prompts, output formatting, and one module per command group in commands/, each loaded only
when one of its commands runs."""

from companion.cli.entry import console_main, main

__all__ = ["console_main", "main"]
