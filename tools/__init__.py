"""Developer scripts (screenshots); not part of the installed app."""
