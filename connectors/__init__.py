"""Connectors: each turns one real export format (CRM, call log, email, social) into source items.

Connectors depend only on the model, errors and settings. Use `connectors.registry.make_connector` to get one
by its `--format` name; `connectors.registry.formats()` lists them.
"""
