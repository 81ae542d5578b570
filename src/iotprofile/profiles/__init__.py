"""Profiles: resolution of a profile against its base (tailoring and added sub-outcomes)."""
