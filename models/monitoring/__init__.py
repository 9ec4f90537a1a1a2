"""Nightly risk monitoring: alert rules, alerts, drift (PSI) and the monitored portfolio."""
