"""Companion's domain and application layer: journal, mood check-ins, search, the facade that
the CLI and the desktop app share. Imports no Qt."""


def __getattr__(name: str) -> str:
    # `companion.__version__` is looked up on first use (companion/version.py says why).
    if name == "__version__":
        from companion.version import version

        return version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
