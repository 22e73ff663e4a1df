"""Device sync's pure core (docs/protocol.md §11): hybrid logical clocks, operations and their
strict encoding, and the deterministic merge. No I/O, no database, no Qt: `companion/` adapts
it to the vault, and the circle's engine will carry its batches."""
