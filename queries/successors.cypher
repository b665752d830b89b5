// name: successors
// description: What an actor became (Wagner -> Africa Corps), and what those became in turn, with the date of each transition and its sources.
// param: actor: entity (required) -- the actor, e.g. Wagner
MATCH (actor:Resource {iri: $actor})-[:SUCCEEDED_BY*0..]->(from)
WITH DISTINCT from
MATCH (from)<-[:SUBJECT]-(c:Claim)-[:OBJECT]->(to)
WHERE c.predicate = 'succeededBy'
MATCH (c)-[:STATED_IN]->(doc)
UNWIND [] + doc.title AS title
OPTIONAL MATCH (c)-[:ASSERTED_BY]->(a) WHERE a.prefLabel IS NOT NULL
UNWIND coalesce([] + a.prefLabel, [null]) AS src
UNWIND [] + from.prefLabel AS from_label
UNWIND [] + to.prefLabel AS to_label
WITH from, from_label, to, to_label, min(coalesce(c.validFrom, '9999')) AS vf,
     collect(DISTINCT coalesce(src, title)) AS who
RETURN $actor AS actor, from.iri AS from, from_label, to.iri AS to, to_label,
       CASE WHEN vf = '9999' THEN '' ELSE vf END AS since,
       substring(reduce(s = '', w IN who | s + '; ' + w), 2) AS sources
ORDER BY since
