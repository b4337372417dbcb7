"""Matchers: normalize, block, compare, score and explain pairs of records. Depends only on the model."""
