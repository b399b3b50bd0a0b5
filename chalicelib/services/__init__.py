"""Use cases: each takes its store and its inputs as arguments, and knows nothing of HTTP."""
