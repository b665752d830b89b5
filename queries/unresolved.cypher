// name: unresolved
// description: Entities found in documents that match no reference entity, with their type and the documents that mention them: candidates for the reference list or for merging.
// What one document states about an entity is on its IN_GRAPH relationship to that document.
MATCH (entity:Resource)
WHERE false IN ([] + entity.resolved)
MATCH (entity)-[g:IN_GRAPH]->(doc)
WHERE false IN ([] + g.resolved)
UNWIND [] + g.prefLabel AS label
UNWIND [] + g.type AS type
WITH entity, label, type, doc
WHERE EXISTS { MATCH (:Term {key: 'label ' + $kgo + type}) }
UNWIND [] + doc.title AS title
WITH entity, label, type, collect(DISTINCT title) AS titles
RETURN entity.iri AS entity, label, type, substring(reduce(s = '', t IN titles | s + '; ' + t), 2) AS documents
ORDER BY label
