"""Where shard work runs: local worker processes by default, a Ray cluster on request."""
