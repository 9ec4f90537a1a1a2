"""Test-only helpers shared by several suites."""
