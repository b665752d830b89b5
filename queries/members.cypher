// name: members
// description: Who is tied to an organisation from below (affiliates, parts, members, bodies it controls), directly and through others (chains of up to four links): one row per link, with dates and sources; with as_of, every link must be valid on that date.
// param: organisation: entity (required) -- the organisation, e.g. al-Qaeda
// param: as_of: date (optional) -- only links valid on this date, e.g. 2024-01-01
MATCH (organisation:Resource {iri: $organisation})
CALL {
  WITH organisation
  RETURN organisation AS to
  UNION
  WITH organisation
  MATCH (organisation)<-[:OBJECT]-(k1:Claim)-[:SUBJECT]->(to)
  WHERE k1.predicate IN ['affiliatedWith', 'partOf', 'memberOf', 'controlledBy']
    AND ($as_of IS NULL OR ((k1.validFrom IS NULL OR k1.validFrom <= $as_of) AND (k1.validUntil IS NULL OR k1.validUntil > $as_of)))
  RETURN to
  UNION
  WITH organisation
  MATCH (organisation)<-[:OBJECT]-(k2:Claim)-[:SUBJECT]->(m1)<-[:OBJECT]-(k1:Claim)-[:SUBJECT]->(to)
  WHERE k1.predicate IN ['affiliatedWith', 'partOf', 'memberOf', 'controlledBy']
    AND ($as_of IS NULL OR ((k1.validFrom IS NULL OR k1.validFrom <= $as_of) AND (k1.validUntil IS NULL OR k1.validUntil > $as_of)))
    AND k2.predicate IN ['affiliatedWith', 'partOf', 'memberOf', 'controlledBy']
    AND ($as_of IS NULL OR ((k2.validFrom IS NULL OR k2.validFrom <= $as_of) AND (k2.validUntil IS NULL OR k2.validUntil > $as_of)))
  RETURN to
  UNION
  WITH organisation
  MATCH (organisation)<-[:OBJECT]-(k3:Claim)-[:SUBJECT]->(m2)<-[:OBJECT]-(k2:Claim)-[:SUBJECT]->(m1)<-[:OBJECT]-(k1:Claim)-[:SUBJECT]->(to)
  WHERE k1.predicate IN ['affiliatedWith', 'partOf', 'memberOf', 'controlledBy']
    AND ($as_of IS NULL OR ((k1.validFrom IS NULL OR k1.validFrom <= $as_of) AND (k1.validUntil IS NULL OR k1.validUntil > $as_of)))
    AND k2.predicate IN ['affiliatedWith', 'partOf', 'memberOf', 'controlledBy']
    AND ($as_of IS NULL OR ((k2.validFrom IS NULL OR k2.validFrom <= $as_of) AND (k2.validUntil IS NULL OR k2.validUntil > $as_of)))
    AND k3.predicate IN ['affiliatedWith', 'partOf', 'memberOf', 'controlledBy']
    AND ($as_of IS NULL OR ((k3.validFrom IS NULL OR k3.validFrom <= $as_of) AND (k3.validUntil IS NULL OR k3.validUntil > $as_of)))
  RETURN to
}
WITH DISTINCT to
MATCH (to)<-[:OBJECT]-(c:Claim)-[:SUBJECT]->(from)
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
     collect(DISTINCT coalesce(src, title)) AS who
RETURN $organisation AS organisation, $as_of AS as_of, from.iri AS from, from_label, relation, to.iri AS to, to_label,
       CASE WHEN vf = '9999' THEN '' ELSE vf END AS valid_from, vu AS valid_until,
       substring(reduce(s = '', w IN who | s + '; ' + w), 2) AS sources
ORDER BY to_label, from_label
