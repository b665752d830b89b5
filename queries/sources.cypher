// name: sources
// description: Who said a fact and where: every claim with this subject (and predicate and object, when given), with its source, document, sentence, rule and confidence.
// param: subject: entity (required) -- the subject of the fact, e.g. JNIM
// param: predicate: string (optional) -- the property's local name, e.g. affiliatedWith
// param: object: entity (optional) -- the object of the fact, e.g. al-Qaeda
// Claims give their own source and evidence; a dataset row states its facts directly (its
// IN_GRAPH relationship and the relationships whose `graphs` name the dataset): the publisher
// asserts them, the row's text is the evidence, the mapping is the rule.
MATCH (subject:Resource {iri: $subject})
CALL {
  WITH subject
  MATCH (subject)<-[:SUBJECT]-(c:Claim)-[:STATED_IN]->(doc)
  WHERE c.rule IS NOT NULL AND ($predicate IS NULL OR c.predicate = $predicate)
  UNWIND [] + c.rule AS rule
  OPTIONAL MATCH (c)-[:OBJECT]->(o)
  WITH c, doc, rule, o WHERE $object IS NULL OR o.iri = $object
  UNWIND coalesce([] + o.prefLabel, [null]) AS ol
  OPTIONAL MATCH (c)-[:ASSERTED_BY]->(a) WHERE a.prefLabel IS NOT NULL
  UNWIND coalesce([] + a.prefLabel, [null]) AS source
  OPTIONAL MATCH (c)-[:CITED_BY]->(b) WHERE b.prefLabel IS NOT NULL
  UNWIND coalesce([] + b.prefLabel, [null]) AS cited_by
  OPTIONAL MATCH (c)-[:EVIDENCE]->(e) WHERE e.text IS NOT NULL
  UNWIND coalesce([] + e.text, [null]) AS evidence
  UNWIND coalesce([] + c.value, [null]) AS v
  RETURN c.predicate AS relation, coalesce(ol, o.iri) AS other_label, toString(v) AS value,
         source, cited_by, doc, evidence, rule, c.confidence AS confidence
  UNION
  WITH subject
  MATCH (subject)-[g:IN_GRAPH]->(doc:Dataset)
  WHERE g.sourceRow IS NOT NULL AND doc.mapping IS NOT NULL
  UNWIND [] + doc.mapping AS rule
  UNWIND coalesce([] + g.sourceText, [null]) AS evidence
  OPTIONAL MATCH (doc)-[:PUBLISHER]->(p) WHERE p.prefLabel IS NOT NULL
  UNWIND coalesce([] + p.prefLabel, [null]) AS source
  CALL {
    // literal facts of the row (the keys are the properties' local names)
    WITH g
    UNWIND keys(g) AS k
    WITH g, k WHERE NOT k IN ['sourceRow', 'sourceText', 'type']
    UNWIND [] + g[k] AS v
    RETURN k AS relation, null AS o, toString(v) AS value
    UNION
    // the row's event type
    WITH g
    UNWIND [] + g.type AS t
    MATCH (term:Term {kind: 'label', name: t})
    MATCH (o:Resource {iri: term.iri})
    RETURN 'type' AS relation, o, null AS value
    UNION
    // the row's relationships (roles, place, country)
    WITH subject, doc
    MATCH (subject)-[r]->(o)
    WHERE type(r) <> 'IN_GRAPH' AND doc.iri IN r.graphs
    MATCH (term:Term {kind: 'relationship', name: type(r)})
    RETURN term.local AS relation, o, null AS value
  }
  WITH relation, o, value, source, doc, evidence, rule
  WHERE ($predicate IS NULL OR relation = $predicate) AND ($object IS NULL OR o.iri = $object)
  UNWIND coalesce([] + o.prefLabel, [null]) AS ol
  RETURN relation, coalesce(ol, o.iri) AS other_label, value, source, null AS cited_by, doc,
         evidence, rule, 1.0 AS confidence
}
UNWIND [] + doc.title AS document
RETURN DISTINCT $subject AS subject, $predicate AS predicate, $object AS object, relation,
       other_label, value, source, cited_by, document, evidence, rule, confidence
ORDER BY relation, CASE WHEN other_label IS NULL THEN 0 ELSE 1 END, other_label, document
