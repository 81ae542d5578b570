"""Catalogs of outcomes and requirements: the domain model, loading with located errors, and the bundled data."""
