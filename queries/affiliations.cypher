// name: affiliations
// description: What an actor is tied to upwards (affiliated with, part of, member of, controlled by), directly and through others (chains of up to four links): one row per link, with its dates and sources; with as_of, every link of the chain must be valid on that date.
// param: actor: entity (required) -- the actor, e.g. JNIM
// param: as_of: date (optional) -- only links valid on this date, e.g. 2024-01-01
// The chain follows claims (never bare truthy edges), each link valid on $as_of when given.
MATCH (actor:Resource {iri: $actor})
CALL {
  WITH actor
  RETURN actor AS from
  UNION
  WITH actor
  MATCH (actor)<-[:SUBJECT]-(k1:Claim)-[:OBJECT]->(from)
  WHERE k1.predicate IN ['affiliatedWith', 'partOf', 'memberOf', 'controlledBy']
    AND ($as_of IS NULL OR ((k1.validFrom IS NULL OR k1.validFrom <= $as_of) AND (k1.validUntil IS NULL OR k1.validUntil > $as_of)))
  RETURN from
  UNION
  WITH actor
  MATCH (actor)<-[:SUBJECT]-(k1:Claim)-[:OBJECT]->(m1)<-[:SUBJECT]-(k2:Claim)-[:OBJECT]->(from)
  WHERE k1.predicate IN ['affiliatedWith', 'partOf', 'memberOf', 'controlledBy']
    AND ($as_of IS NULL OR ((k1.validFrom IS NULL OR k1.validFrom <= $as_of) AND (k1.validUntil IS NULL OR k1.validUntil > $as_of)))
    AND k2.predicate IN ['affiliatedWith', 'partOf', 'memberOf', 'controlledBy']
    AND ($as_of IS NULL OR ((k2.validFrom IS NULL OR k2.validFrom <= $as_of) AND (k2.validUntil IS NULL OR k2.validUntil > $as_of)))
  RETURN from
  UNION
  WITH actor
  MATCH (actor)<-[:SUBJECT]-(k1:Claim)-[:OBJECT]->(m1)<-[:SUBJECT]-(k2:Claim)-[:OBJECT]->(m2)<-[:SUBJECT]-(k3:Claim)-[:OBJECT]->(from)
  WHERE k1.predicate IN ['affiliatedWith', 'partOf', 'memberOf', 'controlledBy']
    AND ($as_of IS NULL OR ((k1.validFrom IS NULL OR k1.validFrom <= $as_of) AND (k1.validUntil IS NULL OR k1.validUntil > $as_of)))
    AND k2.predicate IN ['affiliatedWith', 'partOf', 'memberOf', 'controlledBy']
    AND ($as_of IS NULL OR ((k2.validFrom IS NULL OR k2.validFrom <= $as_of) AND (k2.validUntil IS NULL OR k2.validUntil > $as_of)))
    AND k3.predicate IN ['affiliatedWith', 'partOf', 'memberOf', 'controlledBy']
    AND ($as_of IS NULL OR ((k3.validFrom IS NULL OR k3.validFrom <= $as_of) AND (k3.validUntil IS NULL OR k3.validUntil > $as_of)))
  RETURN from
}
WITH DISTINCT from
MATCH (from)<-[:SUBJECT]-(c:Claim)-[:OBJECT]->(to)
WHERE c.predicate IN ['affiliatedWith', 'partOf', 'memberOf', 'controlledBy']
  AND ($as_of IS NULL OR ((c.validFrom IS NULL OR c.validFrom <= $as_of) AND (c.validUntil IS NULL OR c.validUntil > $as_of)))
  // a succession closes the predecessor's earlier ties from the transition date
  AND ($as_of IS NULL OR NOT EXISTS {
    MATCH (from)<-[:SUBJECT]-(sc:Claim)
    WHERE sc.predicate = 'succeededBy' AND sc.validFrom IS NOT NULL AND sc.validFrom <= $as_of
      AND (c.validFrom IS NULL OR c.validFrom < sc.validFrom) })
MATCH (c)-[:STATED_IN]->(doc)
UNWIND [] + doc.title AS title
OPTIONAL MATCH (c)-[:ASSERTED_BY]->(a) WHERE a.prefLabel IS NOT NULL
UNWIND coalesce([] + a.prefLabel, [null]) AS src
UNWIND [] + from.prefLabel AS from_label
UNWIND [] + to.prefLabel AS to_label
WITH from, from_label, c.predicate AS relation, to, to_label,
     min(coalesce(c.validFrom, '9999')) AS vf, max(coalesce(c.validUntil, '')) AS vu,
     collect(DISTINCT coalesce(src, title)) AS who, count(DISTINCT doc) AS documents
RETURN $actor AS actor, $as_of AS as_of, from.iri AS from, from_label, relation, to.iri AS to, to_label,
       CASE WHEN vf = '9999' THEN '' ELSE vf END AS valid_from, vu AS valid_until,
       substring(reduce(s = '', w IN who | s + '; ' + w), 2) AS sources, documents
ORDER BY from_label, relation, to_label
