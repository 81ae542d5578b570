"""Mappings between elements of any two documents (NIST IR 8477 relationships) and queries over them."""
