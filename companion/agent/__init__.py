"""The command line's unlock session (`companion unlock`): a small per-vault agent that keeps
the vault's data key in memory only, ssh-agent style, so a run of short commands needs the
passphrase once. paths.py says where its socket lives and what makes it trustworthy;
server.py is the agent; client.py is what commands use to reach it."""

# The hidden first argument that makes a `companion` process an unlock-session agent
# (server.py); `companion unlock` starts it, never a person.
AGENT_ARGUMENT = "__companion_agent__"
