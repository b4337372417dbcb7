"""The server-rendered web UI: agent search and profile, the social team's who-is, the steward's queue."""
