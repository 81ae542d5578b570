"""The Typer command-line shell."""
