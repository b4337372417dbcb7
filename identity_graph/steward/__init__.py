"""The data steward's workflow: review queue, decisions, split and unmerge, quality, real-time add."""
