"""Joint models built on the federation: SecureBoost, scorecard, scoring, portraits, monitoring."""
