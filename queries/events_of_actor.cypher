// name: events_of_actor
// description: Events an actor took part in, as perpetrator, target, victim, participant or supporter, optionally between two dates and in one country.
// param: actor: entity (required) -- the actor, e.g. JNIM
// param: from: date (optional) -- earliest date, e.g. 2024-01-01
// param: to: date (optional) -- latest date, e.g. 2024-12-31
// param: country: entity (optional) -- only events in this country, e.g. Mali
// param: role: string (optional) -- perpetrator, target, victim, participant or supporter, e.g. perpetrator
// The documents are those whose graph states the role (the relationship's `graphs`).
CALL {
  MATCH (:Resource {iri: $kgo + 'Event'})<-[:SUB_CLASS_OF*0..]-(c)
  RETURN collect(DISTINCT c.iri) AS event_classes
}
MATCH (actor:Resource {iri: $actor})<-[r:PERPETRATOR|TARGET|VICTIM|PARTICIPANT|SUPPORTER]-(event)
WITH event_classes, event, r, toLower(type(r)) AS event_role
WHERE $role IS NULL OR $role = event_role
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
WITH event, event_role, title, type, date, place_label, cn, country_label
WHERE $country IS NULL OR cn.iri = $country
WITH event, event_role, type, date, place_label, country_label, collect(DISTINCT title) AS titles
RETURN $actor AS actor, $from AS from, $to AS to, $country AS country, $role AS role,
       event.iri AS event, event_role, type, date, place_label, country_label,
       substring(reduce(s = '', t IN titles | s + '; ' + t), 2) AS documents
ORDER BY CASE WHEN date IS NULL THEN 0 ELSE 1 END, date, event
