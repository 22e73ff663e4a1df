"""The circle protocol: identities, invites, roster, epoch keys, envelopes, transports and the
sync engine. Imports no Qt; knows nothing of journals."""
