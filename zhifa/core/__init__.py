"""Shared plumbing: jurisdiction scope, pagination, htmx helper, error types."""
