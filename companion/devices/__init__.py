"""Device sync: one person's journal on several computers (docs/protocol.md §11)."""
