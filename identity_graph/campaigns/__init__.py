"""Campaign awareness: the registry of what marketing sends, "is this ours?", touches, briefings and spikes.

`model` holds the registry's shape (shared by the stores, the loaders, verify, the briefing and the web).
"""
