// name: affiliation_edges
// description: Every tie of the affiliation diagram (affiliated with, part of, member of, controlled by, succeeded by) with the types of both sides, dates and how many documents state it; with as_of, only ties valid on that date.
// param: as_of: date (optional) -- only ties valid on this date, e.g. 2024-01-01
// from_type/to_type: the most specific asserted class of the ontology (node property `type`).
MATCH (c:Claim) WHERE c.predicate IN ['affiliatedWith', 'partOf', 'memberOf', 'controlledBy', 'succeededBy']
MATCH (c)-[:SUBJECT]->(from)
MATCH (c)-[:OBJECT]->(to)
WHERE ($as_of IS NULL OR ((c.validFrom IS NULL OR c.validFrom <= $as_of) AND (c.validUntil IS NULL OR c.validUntil > $as_of)))
MATCH (c)-[:STATED_IN]->(doc)
UNWIND [] + doc.title AS title
OPTIONAL MATCH (c)-[:ASSERTED_BY]->(a) WHERE a.prefLabel IS NOT NULL
UNWIND coalesce([] + a.prefLabel, [null]) AS src
UNWIND [] + from.prefLabel AS from_label
UNWIND [] + to.prefLabel AS to_label
UNWIND [] + from.type AS from_type
UNWIND [] + to.type AS to_type
WITH c, doc, title, src, from, from_label, from_type, to, to_label, to_type
WHERE EXISTS { MATCH (:Term {key: 'label ' + $kgo + from_type}) }
  AND EXISTS { MATCH (:Term {key: 'label ' + $kgo + to_type}) }
WITH from, from_label, from_type, c.predicate AS relation, to, to_label, to_type,
     min(coalesce(c.validFrom, '9999')) AS vf, max(coalesce(c.validUntil, '')) AS vu,
     count(DISTINCT doc) AS documents, collect(DISTINCT coalesce(src, title)) AS who
RETURN $as_of AS as_of, from.iri AS from, from_label, from_type, relation, to.iri AS to, to_label, to_type,
       CASE WHEN vf = '9999' THEN '' ELSE vf END AS valid_from, vu AS valid_until, documents,
       substring(reduce(s = '', w IN who | s + '; ' + w), 2) AS sources
ORDER BY to_label, from_label
