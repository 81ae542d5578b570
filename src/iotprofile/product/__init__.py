"""Products as systems of components, and which outcomes apply to which component (the assessment plan)."""
