// name: attacks_between
// description: Violent events (attacks, battles, strikes, bombings, massacres) in which one actor was the perpetrator and the other a target or victim, in either direction, with the fatality claims.
// param: actor: entity (required) -- one side, e.g. JNIM
// param: other: entity (required) -- the other side, e.g. Wagner
// The type is the event's most specific class; its `family` is read from the class node.
MATCH (actor:Resource {iri: $actor}), (other:Resource {iri: $other})
CALL {
  WITH actor, other
  MATCH (actor)<-[:PERPETRATOR]-(event)-[:TARGET|VICTIM]->(other)
  RETURN event, actor AS perp, other AS tgt
  UNION
  WITH actor, other
  MATCH (other)<-[:PERPETRATOR]-(event)-[:TARGET|VICTIM]->(actor)
  RETURN event, other AS perp, actor AS tgt
}
UNWIND [] + event.type AS type
MATCH (cls:Resource {iri: $kgo + type})
WHERE any(f IN [] + cls.family WHERE f IN ['attack', 'battle', 'strike', 'bombing', 'massacre'])
UNWIND [] + perp.prefLabel AS perpetrator_label
UNWIND [] + tgt.prefLabel AS target_label
UNWIND coalesce([] + event.date, [null]) AS date
OPTIONAL MATCH (event)-[:PLACE]->(pl) WHERE pl.prefLabel IS NOT NULL
UNWIND coalesce([] + pl.prefLabel, [null]) AS place_label
MATCH (event)-[stated:IN_GRAPH]->(doc) WHERE stated.type IS NOT NULL
UNWIND [] + doc.title AS title
WITH event, type, date, place_label, perpetrator_label, target_label, collect(DISTINCT title) AS titles
CALL {
  WITH event
  OPTIONAL MATCH (event)<-[:SUBJECT]-(fc:Claim)
  WHERE fc.predicate = 'fatalities' AND fc.value IS NOT NULL
    AND NOT EXISTS { MATCH (fc)-[:PART_OF_COUNT]->() }
  RETURN collect(fc.value) AS claimed
}
CALL {
  WITH event
  OPTIONAL MATCH (event)-[s:IN_GRAPH]->(:Dataset) WHERE s.fatalities IS NOT NULL
  RETURN collect(s.fatalities) AS stated
}
WITH event, type, date, place_label, perpetrator_label, target_label, titles,
     claimed + reduce(a = [], x IN stated | a + x) AS figures
RETURN $actor AS actor, $other AS other, event.iri AS event, type, date, place_label,
       perpetrator_label, target_label,
       reduce(m = null, v IN figures | CASE WHEN m IS NULL OR v < m THEN v ELSE m END) AS fatalities_low,
       reduce(m = null, v IN figures | CASE WHEN m IS NULL OR v > m THEN v ELSE m END) AS fatalities_high,
       substring(reduce(s = '', t IN titles | s + '; ' + t), 2) AS documents
ORDER BY CASE WHEN date IS NULL THEN 0 ELSE 1 END, date
