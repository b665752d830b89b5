// name: fatalities_by_actor
// description: Fatalities in the events an actor took part in (as perpetrator by default), per event, with low and high bounds when sources disagree and how many claims were made.
// param: actor: entity (required) -- the actor, e.g. JNIM
// param: role: string (optional) -- perpetrator, target, victim, participant or supporter (default perpetrator), e.g. target
// param: from: date (optional) -- earliest date, e.g. 2024-01-01
// param: to: date (optional) -- latest date, e.g. 2024-12-31
CALL {
  MATCH (:Resource {iri: $kgo + 'Event'})<-[:SUB_CLASS_OF*0..]-(c)
  RETURN collect(DISTINCT c.iri) AS event_classes
}
MATCH (actor:Resource {iri: $actor})<-[r:PERPETRATOR|TARGET|VICTIM|PARTICIPANT|SUPPORTER]-(event)
WITH event_classes, event, toLower(type(r)) AS rp
WHERE ($role IS NULL AND rp = 'perpetrator') OR rp = $role
WITH DISTINCT event_classes, event
UNWIND [] + event.type AS type
WITH event, type WHERE $kgo + type IN event_classes
CALL {
  WITH event
  MATCH (event)<-[:SUBJECT]-(fc:Claim)-[:STATED_IN]->()
  WHERE fc.predicate = 'fatalities' AND fc.value IS NOT NULL
    AND NOT EXISTS { MATCH (fc)-[:PART_OF_COUNT]->() }
  OPTIONAL MATCH (fc)-[:ASSERTED_BY]->(a) WHERE a.prefLabel IS NOT NULL
  UNWIND coalesce([] + a.prefLabel, [null]) AS src
  RETURN fc.iri AS fc, fc.value AS value, fc.qualifier AS q, src
  UNION
  // a dataset states its figures directly; its publisher asserts them
  WITH event
  MATCH (event)-[s:IN_GRAPH]->(ds:Dataset) WHERE s.fatalities IS NOT NULL
  UNWIND [] + s.fatalities AS value
  OPTIONAL MATCH (ds)-[:PUBLISHER]->(p) WHERE p.prefLabel IS NOT NULL
  UNWIND coalesce([] + p.prefLabel, [null]) AS src
  RETURN ds.iri AS fc, value, null AS q, src
}
UNWIND coalesce([] + event.date, [null]) AS date
WITH event, type, fc, value, q, src, date
WHERE ($from IS NULL OR (date IS NOT NULL AND left(date, size($from)) >= left($from, size(date))))
  AND ($to IS NULL OR (date IS NOT NULL AND left(date, size($to)) <= left($to, size(date))))
OPTIONAL MATCH (event)-[:PLACE]->(pl) WHERE pl.prefLabel IS NOT NULL
UNWIND coalesce([] + pl.prefLabel, [null]) AS place_label
WITH event, date, type, place_label, fc, value,
     CASE WHEN q IS NULL THEN 'exact' ELSE replace(q, '_', ' ') END + ' ' + toString(value)
       + ' (' + coalesce(src, 'the report') + ')' AS figure
WITH event, date, type, place_label, min(value) AS low, max(value) AS high,
     count(DISTINCT fc) AS claims, collect(DISTINCT figure) AS figures
RETURN $actor AS actor, $role AS role, $from AS from, $to AS to, event.iri AS event, date, type,
       place_label, low, high, claims,
       substring(reduce(s = '', f IN figures | s + '; ' + f), 2) AS figures
ORDER BY CASE WHEN date IS NULL THEN 0 ELSE 1 END, date
