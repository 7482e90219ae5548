"""A hostile HTTP server and the ways it misbehaves."""
