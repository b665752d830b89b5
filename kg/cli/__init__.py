"""The ``kg`` command line: thin click glue over :mod:`kg.api`."""
