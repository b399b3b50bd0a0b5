"""The HTTP edge: request parsing, authentication, and errors mapped to responses in one table."""
