"""What the notebooks in ``notebooks/`` share: a synthetic workspace with a running
federation, the bank-only and centralized baselines, and the plots."""
