// name: contested
// description: Facts that can have only one true value (an event's fatalities, date, place, country) for which sources give several: every claim with its value, who made it and the evidence.
// param: subject: entity (optional) -- only this event or entity, e.g. https://w3id.org/conflict-kg/id/event/attack-mopti-2024-11-21
// The functional properties of the ontology (owl:FunctionalProperty): date, datePrecision and
// fatalities (literal properties, a list when several values) and place, country
// (relationships). tests/test_neo4j.py checks this list against the ontology.
CALL {
  MATCH (n:Resource) WHERE n.date IS NOT NULL AND size([] + n.date) > 1
  RETURN n, 'date' AS property, null AS rel
  UNION
  MATCH (n:Resource) WHERE n.datePrecision IS NOT NULL AND size([] + n.datePrecision) > 1
  RETURN n, 'datePrecision' AS property, null AS rel
  UNION
  MATCH (n:Resource) WHERE n.fatalities IS NOT NULL AND size([] + n.fatalities) > 1
  RETURN n, 'fatalities' AS property, null AS rel
  UNION
  MATCH (n:Resource)-[:PLACE]->(m) WITH n, count(DISTINCT m) AS k WHERE k > 1
  RETURN n, 'place' AS property, 'PLACE' AS rel
  UNION
  MATCH (n:Resource)-[:COUNTRY]->(m) WITH n, count(DISTINCT m) AS k WHERE k > 1
  RETURN n, 'country' AS property, 'COUNTRY' AS rel
}
WITH n, property, rel WHERE $subject IS NULL OR n.iri = $subject
CALL {
  WITH n, property
  MATCH (n)<-[:SUBJECT]-(c:Claim)-[:STATED_IN]->(doc)
  WHERE c.predicate = property AND NOT EXISTS { MATCH (c)-[:PART_OF_COUNT]->() }
  OPTIONAL MATCH (c)-[:OBJECT]->(obj)
  WITH c, doc, obj WHERE c.value IS NOT NULL OR obj IS NOT NULL
  UNWIND coalesce([] + obj.prefLabel, [null]) AS objl
  OPTIONAL MATCH (c)-[:ASSERTED_BY]->(a) WHERE a.prefLabel IS NOT NULL
  UNWIND coalesce([] + a.prefLabel, [null]) AS source
  OPTIONAL MATCH (c)-[:CITED_BY]->(b) WHERE b.prefLabel IS NOT NULL
  UNWIND coalesce([] + b.prefLabel, [null]) AS cited_by
  OPTIONAL MATCH (c)-[:EVIDENCE]->(e) WHERE e.text IS NOT NULL
  UNWIND coalesce([] + e.text, [null]) AS evidence
  UNWIND coalesce([] + c.value, [null]) AS val
  RETURN coalesce(toString(val), objl, obj.iri) AS value, coalesce(c.qualifier, 'exact') AS qualifier,
         source, cited_by, doc, evidence
  UNION
  // a dataset row states the value directly: the publisher asserts it, the row is the evidence
  WITH n, property, rel
  MATCH (n)-[g:IN_GRAPH]->(doc:Dataset) WHERE g.sourceRow IS NOT NULL
  UNWIND coalesce([] + g.sourceText, [null]) AS evidence
  OPTIONAL MATCH (doc)-[:PUBLISHER]->(p) WHERE p.prefLabel IS NOT NULL
  UNWIND coalesce([] + p.prefLabel, [null]) AS source
  CALL {
    WITH g, property
    UNWIND [] + g[property] AS val
    RETURN toString(val) AS value
    UNION
    WITH n, doc, rel
    MATCH (n)-[r]->(obj) WHERE type(r) = rel AND doc.iri IN r.graphs
    UNWIND coalesce([] + obj.prefLabel, [null]) AS objl
    RETURN coalesce(objl, obj.iri) AS value
  }
  RETURN value, 'exact' AS qualifier, source, null AS cited_by, doc, evidence
}
UNWIND [] + doc.title AS document
RETURN DISTINCT n.iri AS subject, property, value, qualifier, source, cited_by, document, evidence
ORDER BY subject, property, value
