// name: actors_in_place
// description: Actors active in a place: those taking part in events there (or in places inside it, or in its towns for a country), and those said to be based in or operating in it.
// param: place: entity (required) -- a place or a country, e.g. Mopti
// param: from: date (optional) -- earliest event date, e.g. 2024-01-01
// param: to: date (optional) -- latest event date, e.g. 2024-12-31
MATCH (place:Resource {iri: $place})
CALL {
  WITH place
  CALL {
    WITH place
    MATCH (place)<-[:LOCATED_IN*0..]-()<-[:PLACE]-(event) RETURN event
    UNION
    WITH place
    MATCH (place)<-[:COUNTRY]-(event) RETURN event
    UNION
    WITH place
    MATCH (place)<-[:COUNTRY]-()<-[:PLACE]-(event) RETURN event
  }
  MATCH (event)-[r:PERPETRATOR|TARGET|VICTIM|PARTICIPANT|SUPPORTER]->(actor)
  UNWIND coalesce([] + event.date, [null]) AS date
  WITH event, r, actor, date
  WHERE ($from IS NULL OR (date IS NOT NULL AND left(date, size($from)) >= left($from, size(date))))
    AND ($to IS NULL OR (date IS NOT NULL AND left(date, size($to)) <= left($to, size(date))))
  RETURN actor, toLower(type(r)) AS how, event, date
  UNION
  WITH place
  MATCH (place)<-[:BASED_IN|OPERATES_IN]-(actor)
  RETURN actor, 'based or operating' AS how, null AS event, null AS date
}
UNWIND [] + actor.prefLabel AS actor_label
WITH place, actor, actor_label, how, count(DISTINCT event) AS events, min(date) AS first, max(date) AS last
RETURN place.iri AS place, $from AS from, $to AS to, actor.iri AS actor, actor_label, how, events, first, last
ORDER BY events DESC, actor_label
