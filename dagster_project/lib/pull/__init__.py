"""Pulls from labeling tools' servers into the landing folder (before a night ingests it)."""
