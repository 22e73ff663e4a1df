"""The PySide6 desktop app: a client of `companion.app.CompanionApp`. Only this package imports
Qt."""
