"""Verdicts with evidence per cell, their append-only history, and the roll-up from components to the product."""
