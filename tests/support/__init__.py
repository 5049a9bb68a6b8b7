"""Helpers shared by the test tiers (tests/conftest.py puts tests/ on the path)."""
