"""The data steward's workflow: review queue, decisions, split and unmerge, quality, labels, real-time add."""
