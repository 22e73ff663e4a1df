"""Companion's domain and application layer: journal, mood check-ins, search, the facade that
the CLI and the desktop app share. Imports no Qt."""

__version__ = "0.1.0"
