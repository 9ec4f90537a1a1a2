"""Encrypted joint scoring: the bank learns the score, the platform neither the score nor
the bank's leaf values, and no party another's per-tree decisions."""
