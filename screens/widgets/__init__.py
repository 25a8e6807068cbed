"""Reusable widgets (their styles live in DEFAULT_CSS, as reusable widgets' should)."""
