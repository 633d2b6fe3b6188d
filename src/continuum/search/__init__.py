"""Search across the records a signed-in user may see."""
