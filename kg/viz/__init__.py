"""Pictures of query results: views take rows (lists of dicts) and write a file."""
