"""Exit codes of `companion`, and the one exception that means "wrong use" (exit 2)."""

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 70, 130


class UsageError(Exception):
    """Wrong use of the command line (exit 2), found after argparse had its say."""
