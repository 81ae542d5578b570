"""Firmware image check: bounded extraction and analysis of the extracted root filesystems."""
