"""Credit portraits: grade, peer percentile, reason codes and public facts per enterprise."""
