"""Stores: the embedded Oxigraph store (default) and, later, remote backends.

There is one way from claims into a store: :func:`kg.store.rdf.extraction_quads` turns an
:class:`~kg.model.Extraction` into the quads of that document's named graph.
"""
