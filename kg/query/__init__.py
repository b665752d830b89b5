"""Queries over the store: entity views (``kg show``) and, later, named and path queries."""
