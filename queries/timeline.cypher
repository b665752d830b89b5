// name: timeline
// description: An actor's events in date order, with type, place, the actor's role and the range of fatality figures the sources give.
// param: actor: entity (required) -- the actor, e.g. Wagner
// param: from: date (optional) -- earliest date, e.g. 2023-01-01
// param: to: date (optional) -- latest date, e.g. 2024-12-31
// Fatality figures: count claims (not parts of a breakdown) and what dataset graphs state.
CALL {
  MATCH (:Resource {iri: $kgo + 'Event'})<-[:SUB_CLASS_OF*0..]-(c)
  RETURN collect(DISTINCT c.iri) AS event_classes
}
MATCH (actor:Resource {iri: $actor})<-[r:PERPETRATOR|TARGET|VICTIM|PARTICIPANT|SUPPORTER]-(event)
WITH event_classes, event, r, toLower(type(r)) AS event_role
UNWIND r.graphs AS g
MATCH (doc:Resource {iri: g})
UNWIND [] + doc.title AS title
UNWIND [] + event.type AS type
WITH event, event_role, title, type WHERE $kgo + type IN event_classes
UNWIND coalesce([] + event.date, [null]) AS date
WITH event, event_role, title, type, date
WHERE ($from IS NULL OR (date IS NOT NULL AND left(date, size($from)) >= left($from, size(date))))
  AND ($to IS NULL OR (date IS NOT NULL AND left(date, size($to)) <= left($to, size(date))))
OPTIONAL MATCH (event)-[:PLACE]->(pl) WHERE pl.prefLabel IS NOT NULL
UNWIND coalesce([] + pl.prefLabel, [null]) AS place_label
// the event's country: its own, else its place's (dataset rows leave out the same country)
OPTIONAL MATCH (event)-[:COUNTRY]->(own) WHERE own.prefLabel IS NOT NULL
OPTIONAL MATCH (event)-[:PLACE]->()-[:COUNTRY]->(at) WHERE at.prefLabel IS NOT NULL
WITH event, event_role, title, type, date, place_label, coalesce(own, at) AS cn
UNWIND coalesce([] + cn.prefLabel, [null]) AS country_label
WITH event, event_role, type, date, place_label, country_label, collect(DISTINCT title) AS titles
CALL {
  WITH event
  OPTIONAL MATCH (event)<-[:SUBJECT]-(fc:Claim)
  WHERE fc.predicate = 'fatalities' AND fc.value IS NOT NULL
    AND NOT EXISTS { MATCH (fc)-[:PART_OF_COUNT]->() }
  RETURN collect(fc.value) AS claimed, count(DISTINCT fc) AS n_claimed
}
CALL {
  WITH event
  OPTIONAL MATCH (event)-[s:IN_GRAPH]->(ds:Dataset) WHERE s.fatalities IS NOT NULL
  RETURN collect(s.fatalities) AS stated, count(DISTINCT ds) AS n_stated
}
WITH event, event_role, type, date, place_label, country_label, titles,
     claimed + reduce(a = [], x IN stated | a + x) AS figures, n_claimed + n_stated AS n
RETURN $actor AS actor, $from AS from, $to AS to, date, event.iri AS event, type, event_role,
       place_label, country_label,
       reduce(m = null, v IN figures | CASE WHEN m IS NULL OR v < m THEN v ELSE m END) AS fatalities_low,
       reduce(m = null, v IN figures | CASE WHEN m IS NULL OR v > m THEN v ELSE m END) AS fatalities_high,
       n AS fatality_claims,
       substring(reduce(s = '', t IN titles | s + '; ' + t), 2) AS documents
ORDER BY CASE WHEN date IS NULL THEN 0 ELSE 1 END, date, event
