// name: supports
// description: Who supports whom, with dates and sources; give an actor to see only its support given or received.
// param: actor: entity (optional) -- supporter or supported, e.g. Russia
// param: as_of: date (optional) -- only support valid on this date, e.g. 2024-06-01
MATCH (c:Claim) WHERE c.predicate = 'supports'
MATCH (c)-[:SUBJECT]->(supporter)
MATCH (c)-[:OBJECT]->(supported)
WHERE ($actor IS NULL OR supporter.iri = $actor OR supported.iri = $actor)
  AND ($as_of IS NULL OR ((c.validFrom IS NULL OR c.validFrom <= $as_of) AND (c.validUntil IS NULL OR c.validUntil > $as_of)))
  // a succession closes the predecessor's earlier ties from the transition date
  AND ($as_of IS NULL OR NOT EXISTS {
    MATCH (supporter)<-[:SUBJECT]-(sc:Claim)
    WHERE sc.predicate = 'succeededBy' AND sc.validFrom IS NOT NULL AND sc.validFrom <= $as_of
      AND (c.validFrom IS NULL OR c.validFrom < sc.validFrom) })
MATCH (c)-[:STATED_IN]->(doc)
UNWIND [] + doc.title AS title
OPTIONAL MATCH (c)-[:ASSERTED_BY]->(a) WHERE a.prefLabel IS NOT NULL
UNWIND coalesce([] + a.prefLabel, [null]) AS src
UNWIND [] + supporter.prefLabel AS supporter_label
UNWIND [] + supported.prefLabel AS supported_label
WITH supporter, supporter_label, supported, supported_label,
     min(coalesce(c.validFrom, '9999')) AS vf, max(coalesce(c.validUntil, '')) AS vu,
     collect(DISTINCT coalesce(src, title)) AS who, max(c.confidence) AS confidence
RETURN $actor AS actor, $as_of AS as_of, supporter.iri AS supporter, supporter_label,
       supported.iri AS supported, supported_label,
       CASE WHEN vf = '9999' THEN '' ELSE vf END AS valid_from, vu AS valid_until,
       substring(reduce(s = '', w IN who | s + '; ' + w), 2) AS sources, confidence
ORDER BY supporter_label, supported_label
