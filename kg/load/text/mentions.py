"""Finding who and where a report mentions.

In order of trust: reference entities by label or alias (longest match), ordinal unit names
("the 13th assault squad"), quoted names after a call-sign cue, unknown capitalised names
(new, unresolved entities, typed from their head word or the words before them), demonyms
("Malian") and generic mentions ("the junta", "Russian mercenaries"), which are resolved to
the nearest fitting actor or left out.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

from kg.load.text.lexicon import Lexicon
from kg.load.text.sentences import Token, tokenize
from kg.model import Entity, slugify
from kg.ontology import Ontology
from kg.resolve import Resolver, fold, is_acronym

_ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_WORD_UNITS = {"squad", "platoon", "battalion", "regiment", "brigade", "division", "detachment"}
_QUOTED_NAME = re.compile(
    r"(?i:call[ -]?sign|nom de guerre|known as|nicknamed|alias)\s+"
    r"(?:[\"“']([^\"”'\n]{2,40}?)[,.]?[\"”']|([A-Z][\w-]{1,30}))",
)


def document_entity(ref: Entity) -> Entity:
    """A document's own record of a reference entity: identity and type, no aliases (those
    live in the reference graph) and no mentions yet."""
    return replace(ref, resolved=True, mentions=[], aliases=[], generic=[])


def _regions(name: str) -> list[Any]:
    """The ISO 3166-2 subdivisions called ``name``, also without a last word of direction
    ("Shan-North" is in Shan)."""
    from kg.gazetteer import regions

    hits = regions(name)
    if not hits:
        m = re.fullmatch(r"(.+?)[\s-]+(?:North|South|East|West|Central)", name)
        if m:
            hits = regions(m.group(1))
    return hits


def _country_iri(iso: str) -> str | None:
    from kg.gazetteer import country_iri

    return country_iri(iso)


def _town(name: str, after: str) -> Any:
    """The gazetteer's most populous town called ``name``, unless the words after it make it
    someone who speaks or acts ("Victoria said")."""
    if re.match(r"\s+(?:said|says|told|added|wrote|who|and\s+his|and\s+her)\b", after):
        return None
    from kg.gazetteer import lookup

    hits = lookup(name)
    return hits[0] if hits else None


_DATELINE = re.compile(
    r"(?m)^[ \t]*[A-Z][A-Z'’.]+(?:[ -][A-Z][A-Z'’.]*)*"
    r"(?:,[ \t]+[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2})?[ \t]*[-–—][ \t]"
)


#: a common noun after an unknown name that makes it a site ("the DusitD2 hotel")
_SITE_NOUN_AFTER = re.compile(
    r" (?:hotel|(?:shopping )?(?:mall|centre|center)|complex|compound|airport|air ?base|"
    r"military base|base|market|marketplace|hospital|clinic|university|school|college|"
    r"mosque|church|prison|jail|checkpoint|beach|stadium|bridge|barracks|refinery|"
    r"camp|port|harbou?r|dam|road|street|highway|motorway|crossing|border crossing|forest|"
    r"river|lake|valley)\b"
)

#: the words of a lowercase ministry ("the health ministry") -> its name
MINISTRY_NAMES = {
    "health": "Health",
    "defence": "Defence",
    "defense": "Defence",
    "interior": "Interior",
    "foreign": "Foreign Affairs",
    "information": "Information",
    "justice": "Justice",
    "finance": "Finance",
    "education": "Education",
    "agriculture": "Agriculture",
    "energy": "Energy",
    "transport": "Transport",
    "security": "Security",
}

#: a kind of facility after an unknown name ("the Ras Isa fuel terminal", "the Kalamkas oil
#: field"): the name is a site's
_FACILITY_AFTER = re.compile(
    r" (?:fuel|oil|gas|power|military|naval|police|army|refugee|IDP|displacement|border|bus|"
    r"train|railway|ferry|water|container|cargo|grain|airport|port) (?:terminal|depot|station|"
    r"plant|field|port|camp|base|market|post|facility|complex|hub|yard|project|site)\b"
)

#: words before a name that make it what another actor is tied to, not the topic
_TIED_TO = re.compile(
    r"\b(?:linked|tied|affiliated|aligned|loyal|allied|connected|close|allegiance)\s+(?:to|with)"
    r"\s+(?:the\s+)?$|\b(?:affiliate|branch|offshoot|franchise|wing|arm|ally)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)


@dataclass
class Mention:
    """A span of the document that denotes an entity (or a demonym's state)."""

    start: int
    end: int
    text: str
    kind: str  # name | unit | quoted | unknown | generic | demonym
    entity: str | None  # IRI
    sentence: int
    cls: str | None = None


@dataclass
class DocMentions:
    """Everything the mention pass found in one document."""

    mentions: list[Mention] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    focus_state: str | None = None
    inferred: list[tuple[str, str, int, str]] = field(default_factory=list)
    # (subject IRI, object IRI, sentence, rule) for partOf facts implied by resolution
    #: places written with the areas they are in ("Minakulu (Oyam, Northern)")
    located: set[str] = field(default_factory=set)
    #: notes: a landmark -> the town written after it ("the City Hall (Daejeon - Seo)")
    area_of: dict[str, str] = field(default_factory=dict)
    #: notes: places a note says it is "coded to"
    coded: set[str] = field(default_factory=set)
    #: collective actors found ("Protesters (Uganda)"): IRI -> (kind, state IRI or None)
    collective: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    #: collective actors whose country is only the report's main one, not written ("protesters"
    #: but not "Ukrainian protesters"): the country of their event's place is a better guess
    collective_guessed: set[str] = field(default_factory=set)

    #: mentions by sentence, built by :meth:`index_sentences` once the list is complete
    _by_sentence: dict[int, list[Mention]] | None = field(default=None, repr=False)
    _indexed: int = field(default=-1, repr=False)

    def in_sentence(self, i: int) -> list[Mention]:
        if self._by_sentence is not None and self._indexed == len(self.mentions):
            return list(self._by_sentence.get(i, ()))
        return [m for m in self.mentions if m.sentence == i]

    def index_sentences(self) -> None:
        """Index the mentions by sentence (one pass), so that :meth:`in_sentence` does not
        scan them all each time; a list that changes length afterwards is scanned again."""
        self._by_sentence = {}
        for m in self.mentions:
            self._by_sentence.setdefault(m.sentence, []).append(m)
        self._indexed = len(self.mentions)


class MentionFinder:
    """Finds and resolves the mentions of one document."""

    def __init__(self, resolver: Resolver, lex: Lexicon, o: Ontology, *, notes: bool = False):
        self.r = resolver
        self.lex = lex
        self.o = o
        # dataset notes (ACLED's): collective actors ("protesters", "gunmen"), landmarks with
        # their town in parentheses, "coded to <place>"
        self.notes = notes
        self._titles = sorted({t.lower() for t in lex.titles}, key=len, reverse=True)
        generic_heads: list[tuple[str, int]] = []
        for gi, g in enumerate(lex.generic):
            for h in g.heads:
                generic_heads.append((h, gi))
        generic_heads.sort(key=lambda x: -len(x[0]))
        self._generic_heads = generic_heads
        self._generic_words = {h for h, _ in generic_heads if " " not in h}
        self._title_words = {w.rstrip(".") for t in lex.titles for w in t.split()}
        # one pass per sentence: every head in one alternation, longest first
        alternatives = "|".join(
            f"(?-i:{re.escape(h)})" if h.isupper() else re.escape(h) for h, _ in generic_heads
        )
        self._generic_rx = re.compile(
            r"(?:\b(?P<det>the|these|those|its|their|this|that)\s+)?"
            r"(?:(?P<dem>(?-i:[A-Z])[\w-]+)\s+)??(?:(?P<adj>(?-i:[a-z])[\w-]+)\s+)??"
            rf"\b(?P<head>{alternatives})(?:s)?\b",
            re.IGNORECASE,
        )
        self._generic_index = {h.lower(): gi for h, gi in reversed(generic_heads)}
        # collective actors: every head of every rule, longest first
        coll = sorted(
            ((h, ci) for ci, c in enumerate(lex.collective) for h in c.heads),
            key=lambda x: -len(x[0]),
        )
        self._collective_index = {h.lower(): ci for h, ci in reversed(coll)}
        self._collective_rx = (
            re.compile(
                r"\b(?:"
                + "|".join(
                    f"(?-i:{re.escape(h)})" if h.isupper() else re.escape(h) for h, _ in coll
                )
                + r")\b",
                re.IGNORECASE,
            )
            if coll
            else None
        )

    # -- entities ---------------------------------------------------------------------------
    def _ref_entity(self, dm: DocMentions, eid: str, text: str) -> str:
        ref = self.r.entity(eid)
        ent = dm.entities.get(ref.id)
        if ent is None:
            ent = dm.entities[ref.id] = document_entity(ref)
        ent.add_mention(text)
        return ref.id

    def _new_entity(self, dm: DocMentions, label: str, cls: str, text: str) -> str:
        kind = "place" if self.o.is_a(cls, "Place") and not self.o.is_a(cls, "Actor") else "actor"
        iri = self.o.entity_iri(kind, slugify(label))
        ent = dm.entities.get(iri)
        if ent is None:
            ent = Entity(id=iri, label=label, type=cls, resolved=False)
            dm.entities[iri] = ent
        ent.add_mention(text)
        return iri

    # -- the pass ---------------------------------------------------------------------------
    def find(self, text: str, sentences: list[tuple[int, int]]) -> DocMentions:
        dm = DocMentions()
        toks = [tokenize(text, a, b) for a, b in sentences]
        # a dateline ("PORT-AU-PRINCE -", "GOMA, Jan 28 -") names where the report was filed:
        # its words are no mentions ("AU" in PORT-AU-PRINCE is not the African Union)
        lines = [(m.start(), m.end()) for m in _DATELINE.finditer(text)]
        if lines:
            toks = [[t for t in ts if not any(a <= t.start < b for a, b in lines)] for ts in toks]
        noninitial_caps = Counter(
            t.text for ts in toks for t in ts[1:] if t.cap and not _after_quote_start(text, t)
        )
        lower_words = {t.key for ts in toks for t in ts if t.text[:1].islower()}
        for i, (a, b) in enumerate(sentences):
            taken: list[tuple[int, int]] = []
            self._names(dm, text, toks[i], i, taken)
            self._units(dm, text, a, b, i, taken)
            self._quoted(dm, text, a, b, i, taken)
            # (after a dateline, the sentence starts at its first word)
            first = toks[i][0].start if toks[i] else a
            self._unknown(dm, text, toks[i], i, taken, noninitial_caps, lower_words, first)
            self._demonyms(dm, toks[i], i, taken)
        dm.mentions.sort(key=lambda m: m.start)
        self._admin_hierarchy(dm, text)
        self._same_name_places(dm)
        self._small_towns(dm)
        self._alias_parentheses(dm, text)
        dm.focus_state = self._focus(dm, text)
        self._bare_institutions(dm, text, sentences)
        self._lower_ministries(dm, text, sentences)
        self._generics(dm, text, sentences)
        self._pronoun_owners(dm, text, sentences)
        self._collectives(dm, text, sentences)
        dm.mentions.sort(key=lambda m: m.start)
        dm.index_sentences()
        return dm

    def _names(
        self, dm: DocMentions, text: str, toks: list[Token], i: int, taken: list[tuple[int, int]]
    ) -> None:
        j = 0
        n = len(toks)
        while j < n:
            t = toks[j]
            hit = None
            # acronyms are matched with their case
            if is_acronym(t.text) and fold(t.text) in self.r.acronyms:
                hit = (j + 1, self.r.acronyms[fold(t.text)])
            else:
                for k in range(min(self.r.max_tokens, n - j), 0, -1):
                    span = toks[j : j + k]
                    if span[-1].key == "s":
                        continue
                    eid = self.r.by_key.get(tuple(x.key for x in span))
                    if eid and self._name_ok(text, span):
                        hit = (j + k, eid)
                        break
            if hit is None:
                j += 1
                continue
            end_j, eid = hit
            a, b = toks[j].start, toks[end_j - 1].end
            surface = text[a:b]
            iri = self._ref_entity(dm, eid, surface)
            dm.mentions.append(Mention(a, b, surface, "name", iri, i, self.r.entity(eid).type))
            taken.append((a, b))
            j = end_j

    def _name_ok(self, text: str, span: list[Token]) -> bool:
        """Guard against common words: a match needs a capital, and must not be the tail of
        a lower-case hyphenated word ("pro-Kremlin")."""
        if not any(t.cap or t.text[:1].isdigit() for t in span):
            return False
        if any(c in text[span[0].start : span[-1].end] for c in '"“”()[];:'):
            return False
        first = span[0]
        if first.start > 0 and text[first.start - 1] == "-":
            before = text[: first.start - 1].rsplit(None, 1)
            if before and before[-1][:1].islower():
                return False
        return True

    def _units(
        self, dm: DocMentions, text: str, a: int, b: int, i: int, taken: list[tuple[int, int]]
    ) -> None:
        heads = "|".join(re.escape(h) for h in self.lex.unit_heads)
        rx = re.compile(
            rf"\b(?P<ord>\d+(?:st|nd|rd|th)|{'|'.join(_ORDINAL_WORDS)})\s+"
            rf"(?:[A-Za-z-]+\s+){{0,2}}?(?P<head>{heads})\b",
            re.IGNORECASE,
        )
        for m in rx.finditer(text, a, b):
            if _overlaps(m.start(), m.end(), taken):
                continue
            ordw = m.group("ord").lower()
            head = m.group("head").lower()
            if ordw in _ORDINAL_WORDS and head not in _WORD_UNITS:
                continue
            number = _ORDINAL_WORDS.get(ordw) or int(re.sub(r"\D", "", ordw))
            key = f"{number}-{head}"
            iri = None
            for ent in dm.entities.values():
                if getattr(ent, "_unit_key", None) == key:
                    iri = ent.id
                    ent.add_mention(m.group())
            if iri is None:
                iri = self._new_entity(dm, m.group(), "MilitaryUnit", m.group())
                dm.entities[iri]._unit_key = key  # type: ignore[attr-defined]
            dm.mentions.append(
                Mention(m.start(), m.end(), m.group(), "unit", iri, i, "MilitaryUnit")
            )
            taken.append((m.start(), m.end()))

    def _quoted(
        self, dm: DocMentions, text: str, a: int, b: int, i: int, taken: list[tuple[int, int]]
    ) -> None:
        for m in _QUOTED_NAME.finditer(text, a, b):
            g = 1 if m.group(1) else 2
            s, e = m.span(g)
            name = m.group(g).strip().rstrip(",.")
            e = s + len(name)
            if _overlaps(s, e, taken):
                continue
            ref = self.r.lookup(name)
            iri = (
                self._ref_entity(dm, ref.id.rsplit("/", 1)[-1], name)
                if ref
                else self._new_entity(dm, name, "Person", name)
            )
            dm.mentions.append(Mention(s, e, name, "quoted", iri, i, "Person"))
            taken.append((s, e))

    def _unknown(
        self,
        dm: DocMentions,
        text: str,
        toks: list[Token],
        i: int,
        taken: list[tuple[int, int]],
        noninitial_caps: Counter[str],
        lower_words: set[str],
        sent_start: int,
    ) -> None:
        lex = self.lex
        j = 0
        n = len(toks)
        while j < n:
            t = toks[j]
            if not t.cap or _overlaps(t.start, t.end, taken):
                j += 1
                continue
            # "West Bank", "Northern Cape", "South Korea": a compass word starts a name when
            # a capitalised word (not a stop word, not a known name) follows it
            if self._is_stop(t) and not (
                t.text in _COMPASS
                and j + 1 < n
                and text[t.end : toks[j + 1].start] == " "
                and toks[j + 1].cap
                and not self._is_stop(toks[j + 1])
                and not _overlaps(toks[j + 1].start, toks[j + 1].end, taken)
            ):
                j += 1
                continue
            k = j + 1
            while k < n:
                nt = toks[k]
                gap = text[toks[k - 1].end : nt.start]
                if gap not in (" ", "-") or _overlaps(nt.start, nt.end, taken):
                    break
                if nt.cap and not self._is_stop(nt):
                    k += 1
                    continue
                # connectors ("of", "al-", "for the") must be followed by a capitalised word
                m = k
                while m < n and m - k < 2 and toks[m].key in lex.connectors:
                    m += 1
                if m > k and m < n and toks[m].cap and not self._is_stop(toks[m]):
                    ok = all(
                        text[toks[x - 1].end : toks[x].start] in (" ", "-") for x in range(k, m + 1)
                    )
                    if ok and not _overlaps(toks[m].start, toks[m].end, taken):
                        k = m + 1
                        continue
                break
            span = toks[j:k]
            # "al-Qaim", "el-Fasher": a lower-case article joined by a hyphen starts the name
            if (
                j > 0
                and toks[j - 1].text in _ARTICLES
                and text[toks[j - 1].end : t.start] == "-"
                and not _overlaps(toks[j - 1].start, toks[j - 1].end, taken)
            ):
                span = toks[j - 1 : k]
            j = k
            if len(span) == 1 and (span[0].text in self._generic_words or len(span[0].text) < 2):
                continue  # (a lone letter is a piece of "ISIS-K" or "U.S.", not a name)
            # sentence-initial common words ("Background.", "Later,") are not names
            at_start = span[0].start == sent_start or _after_quote_start(text, span[0])
            if (
                at_start
                and (span[0].key in lower_words or noninitial_caps[span[0].text] == 0)
                and not is_acronym(span[0].text)
                # "Ahmed al-Mismari, a spokesman ...": a particle after it makes it a name
                and not (len(span) > 2 and span[1].key in lex.connectors)
            ):
                if len(span) == 1:
                    continue
                span = span[1:]
            if all(self.r.demonym(x.text) for x in span):
                continue
            # datelines ("GENEVA, 12 May -") and shouting are not names
            if all(x.text.isupper() and len(x.text) > 5 for x in span):
                continue
            # leading titles ("Interior Minister Mohamed Toumba") are not part of a name
            titled = False
            while (
                len(span) > 1
                and span[0].text.rstrip(".") in self._title_words
                # "Defence Ministry", "Interior Ministry": the title word names the ministry
                and not (len(span) == 2 and span[1].text in ("Ministry", "Department"))
            ):
                span = span[1:]
                titled = True
            if all(x.text.rstrip(".") in self._title_words for x in span):
                continue
            # a single word that the report also writes in lower case is a common word
            if len(span) == 1 and (span[0].key in lower_words or _is_number_word(span[0].text)):
                continue
            self._add_unknown(dm, text, span, i, taken, person=titled)

    def _is_stop(self, t: Token) -> bool:
        return t.text in self.lex.stopwords or t.key == "s"

    def _add_unknown(
        self,
        dm: DocMentions,
        text: str,
        span: list[Token],
        i: int,
        taken: list[tuple[int, int]],
        person: bool = False,
    ) -> None:
        a, b = span[0].start, span[-1].end
        area = re.match(
            r" (region|province|district|county|oblast|governorate"
            # admin units of ACLED-style notes ("Minakulu sub-county", "Kani township")
            r"|sub-county|subcounty|township|municipality|parish|rayon|raion|hromada|"
            r"tehsil|upazila|prefecture|department|commune|sub-district|subdistrict|"
            r"neighborhood|neighbourhood|locality|barangay|ward|state)\b",
            text[b : b + 16],
        )
        if area:
            b += area.end()
        name = text[a:b]
        before = text[max(0, a - 40) : a].lower()
        cls = "Region" if area else self._guess_class(name, before, span, text[max(0, a - 60) : a])
        # "at Houthi positions", "near PKK fighters": the name of those who hold them
        if cls == "Settlement" and re.match(
            r" (?:positions?|forces|fighters|militants|troops|soldiers|members|supporters|"
            r"militia|militiamen|rebels)\b",
            text[b : b + 14],
        ):
            cls = "Actor"
        # "the Janjaweed militias", "Mai-Mai rebels": the name of an armed group
        if cls in ("Actor", "Settlement", "Person") and re.match(
            r" (?:militias?|militiamen|rebels|insurgents|guerrillas|jihadists)\b", text[b : b + 14]
        ):
            cls = "ArmedGroup"
        # "Kyun Hpyar village", "Salem city": a settlement named by the words before
        if not area and re.match(r" (?:village|town|city|hamlet|settlement)\b", text[b : b + 12]):
            cls = "Settlement"
        # "the DusitD2 hotel", "the Westgate shopping mall", "Lido beach": a site named by the
        # common noun after it (not "Hamas fighters": those are handled above)
        site = re.match(_SITE_NOUN_AFTER, text[b : b + 24])
        if not area and cls in ("Actor", "Person") and site:
            # the noun is part of the place's name: "the Beach View hotel", "Sambisa forest"
            b += site.end()
            name = text[a:b]
            cls = "Site"
        elif not area and cls in ("Actor", "Person") and _FACILITY_AFTER.match(text[b : b + 30]):
            cls = "Site"  # "the Ras Isa fuel terminal": a place, named without the nouns
        # "Mafa, a village in Tarmuwa": a settlement named by its apposition
        if not area and re.match(
            r",\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?(?:village|town|city|hamlet|settlement|"
            r"camp|port|market town|border town|oasis|locality)\b",
            text[b : b + 48],
        ):
            cls = "Settlement"
        # "Ahmed al-Mismari, a spokesman for ...": an apposition naming a person's role
        if cls == "Actor" and re.match(
            r",\s+(?:a|an|the|its|their)\s+(?:[\w-]+\s+){0,2}?(?:spokes(?:man|woman|person)|"
            r"commander|leader|founder|minister|president|official|envoy|governor|deputy)\b",
            text[b : b + 60],
        ):
            cls = "Person"
        # "reached Bolenga and Tando, in the Kasai territory": what lies in a place is one
        if cls == "Actor" and re.match(
            r"(?:\s+(?:and|or)\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)?,\s+in\s+(?:the\s+)?"
            r"(?:[a-z-]+\s+)?[A-Z]",
            text[b : b + 60],
        ):
            cls = "Settlement"
        if person and cls not in ("GovernmentBody", "IntelligenceAgency", "StateForce"):
            cls = "Person"
        # a surname alone ("Mismari", "al-Mismari") refers to a person already named in full
        if " " not in name:
            for ent in dm.entities.values():
                if ent.type == "Person" and ent.label.split()[-1] == name:
                    ent.add_mention(name)
                    dm.mentions.append(Mention(a, b, name, "name", ent.id, i, "Person"))
                    taken.append((a, b))
                    return
        ref = self.r.lookup(name)
        if ref is not None:
            iri = self._ref_entity(dm, ref.id.rsplit("/", 1)[-1], name)
            cls = ref.type
        else:
            # a town the gazetteer knows (GeoNames, over 15,000 people) is a place, with its
            # coordinates and country: "El Fasher", "Mogadishu's Lido beach"
            town = None
            if not person and cls in ("Actor", "Person", "Settlement"):
                town = _town(name, text[b : b + 12])
                if town is not None:
                    cls = "Settlement"
            iri = self._new_entity(dm, name, cls, name)
            ent = dm.entities[iri]
            if town is not None and ent.lat is None:
                from kg.gazetteer import country_iri

                ent.lat, ent.lon = town.lat, town.lon
                ent.country = ent.country or country_iri(town.country)
        dm.mentions.append(Mention(a, b, name, "unknown", iri, i, cls))
        taken.append((a, b))

    def _guess_class(self, name: str, before: str, span: list[Token], raw: str = "") -> str:
        lex = self.lex
        last = span[-1].text
        if len(span) > 2 and span[1].key in lex.connectors and span[0].text in lex.heads:
            last = span[0].text
        if last in lex.heads:
            cls = lex.heads[last]
            if cls == "IntelligenceAgency" or "intelligence" in name.lower():
                return "IntelligenceAgency" if "ntelligence" in name else cls
            return cls
        for cue in lex.person_cues:
            if re.search(rf"\b{re.escape(cue)}\W*(?:\w+\W+)?$", before):
                return "Person"
        # "the northern state of Sinaloa", "the province of Highland Papua"
        # (not "the Sancaktepe district of Istanbul": a district is often of a city)
        if re.search(r"\b(?:state|province|region|governorate)\s+of\s+$", before):
            return "Region"
        for prep in (
            "in",
            "near",
            "at",
            "outside",
            "around",
            "town of",
            "village of",
            "city of",
            "residents of",
            "outskirts of",
        ):
            if re.search(rf"\b{prep}\s+$", before):
                return "Settlement"
        # "in Kishishe and Bambo", "near Akashat, al-Qaim or Rawa": the second of named places
        if re.search(
            r"\b(?:in|near|at|outside|around|villages of|towns of)\s+(?:a[lnrst]-|el-)?"
            r"[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?(?:,\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)*"
            r",?\s+(?:and|or)\s+$",
            raw,
        ):
            return "Settlement"
        words = name.split()
        if 2 <= len(words) <= 3 and all(w.isalpha() for w in words):
            return "Person"
        return "Actor"

    def _demonyms(
        self, dm: DocMentions, toks: list[Token], i: int, taken: list[tuple[int, int]]
    ) -> None:
        for t in toks:
            if not t.cap or _overlaps(t.start, t.end, taken):
                continue
            state = self.r.demonym(t.text)
            if state is None:
                continue
            dm.mentions.append(Mention(t.start, t.end, t.text, "demonym", state.id, i, "State"))
            taken.append((t.start, t.end))

    def _alias_parentheses(self, dm: DocMentions, text: str) -> None:
        """``Rapid Support Forces (RSF)``: the short form becomes an alias of the long one."""
        ms = dm.mentions
        for x, y in pairwise(ms):
            between = text[x.end : y.start]
            if not re.fullmatch(r"[\"”’']?\s*\(", between) or text[y.end : y.end + 1] != ")":
                continue
            if x.entity == y.entity or x.entity is None or y.entity is None:
                continue
            ex, ey = dm.entities.get(x.entity), dm.entities.get(y.entity)
            if ex and self.o.is_a(ex.type, "Place"):
                continue  # "Villa Yapacani (Santa Cruz)": the area it is in, not an alias
            if ex and ey and not ey.resolved:
                ex.add_mention(y.text)
                self._repoint(dm, y.entity, x.entity)
            elif ex and ey and not ex.resolved:
                ey.add_mention(x.text)
                self._repoint(dm, x.entity, y.entity)

    # -- admin hierarchy ----------------------------------------------------------------------
    _AREA_END = re.compile(
        r"\s*(?:[,.;:)]|$|\s(?:as|and|on|in|at|where|after|while|during|when|near)\b)"
    )

    def _admin_hierarchy(self, dm: DocMentions, text: str) -> None:
        """The areas written after a place ("in Minakulu (Oyam, Northern)", "in Rafael
        Delgado, Veracruz, ...", "near Metolkine, Luhansk") are places too (regions), not
        actors or people; a known area with a country gives the place its country."""
        self._joined_places(dm, text)
        if self.notes:
            self._coded_places(dm, text)
        ms = dm.mentions
        for k, x in enumerate(ms):
            ent = dm.entities.get(x.entity or "")
            areas: list[Mention] = []
            # "in Kar Lay village of Nansang township (Loilen district, Shan-South state)"
            paren = re.match(
                r"(?:\s+(?:township|village|town|city|district|municipality|county|sub-county|"
                r"subcounty|commune|department|province|region|LGA|tehsil|area))?"
                r"\s*\(([^()]{1,150})\)",
                text[x.end :],
            )
            if (
                self.notes
                and ent is not None
                and paren
                and paren.group(0).lstrip().startswith("(")
                and self._landmark(dm, x, ent, paren, k)
            ):
                continue
            if ent is None or not self.o.is_a(ent.type, "Place") or ent.type == "State":
                # "the tribunal of Settat (Settat, Casablanca-Settat)": an unknown name
                # followed by an admin hierarchy (two names or more) is a place; so is, in
                # notes, "shelled Pokrovske, Donetsk." (a verb's object, then its area)
                if (
                    ent is None
                    or ent.resolved
                    or x.kind != "unknown"
                    or is_acronym(x.text)
                    or not (
                        (paren and "," in paren.group(1))
                        or (self.notes and self._town_area(dm, text, x, k))
                    )
                ):
                    continue
                new = self._new_entity(dm, ent.label, "Settlement", x.text)
                self._repoint(dm, ent.id, new)
                ent = dm.entities[new]
            if paren:
                a, b = x.end + paren.start(1), x.end + paren.end(1)
                areas = [y for y in ms[k + 1 :] if a <= y.start and y.end <= b]
            elif re.search(
                r"\b(?:in|near|at|outside|around|of)\s+$", text[max(0, x.start - 8) : x.start]
            ) or (self.notes and self._town_area(dm, text, x, k)):
                end = x.end
                for y in ms[k + 1 :]:
                    if not re.fullmatch(r",\s+", text[end : y.start]):
                        break
                    if not self._AREA_END.match(text[y.end : y.end + 12]):
                        break
                    areas.append(y)
                    end = y.end
            if areas:
                dm.located.add(ent.id)
            iso = self._areas_country(dm, x, areas)
            for y in areas:
                ey = dm.entities.get(y.entity or "")
                if ey is None or y.kind == "demonym":
                    continue
                if ey.type == "State" or (self.o.is_a(ey.type, "Place") and ey.country):
                    if not ent.resolved and not ent.country:
                        ent.country = ey.id if ey.type == "State" else ey.country
                    continue
                if ey.resolved or y.kind != "unknown" or self.o.is_a(ey.type, "Place"):
                    continue
                new = self._new_entity(dm, ey.label, "Region", y.text)
                self._repoint(dm, ey.id, new)
                reg = dm.entities[new]
                if iso and not reg.country and any(r.country == iso for r in _regions(y.text)):
                    reg.country = _country_iri(iso)
            if iso and not ent.resolved:
                self._place_in(ent, iso)

    def _same_name_places(self, dm: DocMentions) -> None:
        """A name the report uses for a place ("the village of Mafa") is that place where
        nothing else says what it is ("Mafa lies in Tarmuwa", read alone as an actor)."""
        places: dict[str, str] = {}
        for ent in dm.entities.values():
            if not ent.resolved and self.o.is_a(ent.type, "Place") and ent.type != "State":
                places.setdefault(ent.label, ent.id)
        for ent in list(dm.entities.values()):
            if ent.resolved or ent.type not in ("Actor", "Person"):
                continue
            place = places.get(ent.label)
            if place is not None and place != ent.id:
                dm.entities[place].add_mention(ent.label)
                self._repoint(dm, ent.id, place)
                if not any(m.entity == ent.id for m in dm.mentions):
                    dm.entities.pop(ent.id, None)

    def _small_towns(self, dm: DocMentions) -> None:
        """A place of unknown country ("in Irschenberg") named like the gazetteer's small towns
        (1,000 to 15,000 people) of one country only: that country, and the town's coordinates
        (the most populous one's)."""
        from kg.gazetteer import country_iri, lookup_small

        for ent in dm.entities.values():
            if ent.type != "Settlement" or ent.resolved or ent.country or ent.lat is not None:
                continue
            if len(ent.label) < 4 or is_acronym(ent.label):
                continue
            hits = lookup_small(ent.label)
            if hits and len({p.country for p in hits}) == 1:
                iri = country_iri(hits[0].country)
                if iri is not None:
                    ent.country, ent.lat, ent.lon = iri, hits[0].lat, hits[0].lon

    def _areas_country(self, dm: DocMentions, x: Mention, areas: list[Mention]) -> str | None:
        """The one country (ISO code) that the areas written after a place fit: "Concepcion
        (Tucuman)" is in Argentina, "Kibwareng (Aldai, Nandi)" in Kenya. Each area stands for
        its state, its country, the ISO 3166-2 subdivisions of its name or else the towns of
        its name; from the last (widest) area back, the countries all areas fit, then those
        the place's own name fits too. None when no single country is left."""
        from kg.gazetteer import country_iso, lookup, lookup_small

        sets: list[set[str]] = []
        for y in areas:
            ey = dm.entities.get(y.entity or "")
            if ey is None or y.kind == "demonym":
                continue
            if ey.type == "State" or (ey.resolved and ey.country):
                iso = country_iso(ey.id if ey.type == "State" else ey.country or "")
                cands = {iso} if iso else set()
            else:
                cands = {r.country for r in _regions(y.text)}
                if not cands:
                    cands = {p.country for p in lookup(y.text)}
            if cands:
                sets.append(cands)
        if not sets:
            return None
        fit = sets[-1]
        for cands in reversed(sets[:-1]):
            if fit & cands:
                fit = fit & cands
        if len(fit) > 1:
            own = {p.country for p in lookup(x.text)} & fit
            own = own or {p.country for p in lookup_small(x.text)} & fit
            if own:
                fit = own
        return next(iter(fit)) if len(fit) == 1 else None

    def _place_in(self, ent: Entity, iso: str) -> None:
        """An unresolved place the areas after it put in country ``iso``: that country, and
        the coordinates of the gazetteer's town of that name in it (none if it has none)."""
        from kg.gazetteer import lookup, lookup_small

        iri = _country_iri(iso)
        if iri is None or ent.country == iri:
            return
        towns = lookup(ent.label, iso) or lookup_small(ent.label, iso)
        ent.country = iri
        ent.lat, ent.lon = (towns[0].lat, towns[0].lon) if towns else (None, None)

    def _landmark(
        self, dm: DocMentions, x: Mention, ent: Entity, paren: re.Match[str], k: int
    ) -> bool:
        """Notes: "the Atomic Bomb Dome (Hiroshima, Hiroshima)", "the City Hall (Daejeon -
        Seo)": a site, or an unknown name, with its town first in the parentheses after it;
        the town is where the site is (``area_of``)."""
        site = ent.type == "Site" or (
            not ent.resolved and x.kind == "unknown" and not self.o.is_a(ent.type, "Place")
        )
        if not site or is_acronym(x.text):
            return False
        a, b = x.end + paren.start(1), x.end + paren.end(1)
        areas = [y for y in dm.mentions[k + 1 :] if a <= y.start and y.end <= b]
        areas = [y for y in areas if y.kind != "demonym" and y.entity in dm.entities]
        if not areas:
            return False
        first = dm.entities[areas[0].entity or ""]
        town = first.type == "Settlement" or (
            not first.resolved and areas[0].kind == "unknown" and not is_acronym(areas[0].text)
        )
        if not town or first.type == "State" or (ent.type != "Site" and len(areas) < 2):
            return False
        if first.type != "Settlement":
            new = self._new_entity(dm, first.label, "Settlement", areas[0].text)
            if new == first.id:
                first.type = "Settlement"  # an area named like a town: the town
            else:
                self._repoint(dm, first.id, new)
                first = dm.entities[new]
        dm.area_of[ent.id] = first.id
        dm.located.add(first.id)
        for y in areas[1:]:
            ey = dm.entities.get(y.entity or "")
            if ey is not None and not ey.resolved and not self.o.is_a(ey.type, "Place"):
                self._repoint(dm, ey.id, self._new_entity(dm, ey.label, "Region", y.text))
        return True

    def _town_area(self, dm: DocMentions, text: str, x: Mention, k: int) -> bool:
        """ "shelled Pokrovske, Donetsk.", "towards Bakhmut, Donetsk region": after a verb or a
        preposition, an unknown name, a comma and one more name closing the clause."""
        if not re.search(
            r"(?:\b[a-z]+ed|\b(?:at|on|over|towards?|of|near|in|into|from))\s+(?:the\s+)?$",
            text[max(0, x.start - 16) : x.start],
        ):
            return False
        nxt = dm.mentions[k + 1] if k + 1 < len(dm.mentions) else None
        return bool(
            nxt is not None
            and re.fullmatch(r",\s+", text[x.end : nxt.start])
            and nxt.kind in ("unknown", "name")
            and self._AREA_END.match(text[nxt.end : nxt.end + 12])
        )

    def _coded_places(self, dm: DocMentions, text: str) -> None:
        """Notes: "in Idi-Ori, coded to Akomoje", "(coded as Myawaddy)": the place the note
        says its event is coded to."""
        for m in list(dm.mentions):
            before = text[max(0, m.start - 20) : m.start]
            if not re.search(r"\bcoded\s+(?:to|as|at)\s+(?:the\s+)?$", before, re.I):
                continue
            ent = dm.entities.get(m.entity or "")
            if ent is None or ent.type == "State":
                continue
            if not self.o.is_a(ent.type, "Place"):
                if ent.resolved:
                    continue
                new = self._new_entity(dm, ent.label, "Settlement", m.text)
                self._repoint(dm, ent.id, new)
                ent = dm.entities[new]
            dm.coded.add(ent.id)

    # (a dot only inside a word: "in Donetsk - Kyivskyi. During the day" ends at the dot)
    _DISTRICT = re.compile(
        r" - ((?:[A-Z][\w'’-]*(?:\.[\w'’-]+)*|\d+)"
        r"(?: (?:[A-Z][\w'’-]*(?:\.[\w'’-]+)*|\d+|de|do|da))*)"
    )

    def _joined_places(self, dm: DocMentions, text: str) -> None:
        """ "in Tokyo - Chiyoda", "Los Angeles - Central", "Tehran - District 11": a city
        and its district written as one place name; the parts become one place."""
        ms = dm.mentions
        k = 0
        while k < len(ms):
            x = ms[k]
            ex = dm.entities.get(x.entity or "")
            mt = self._DISTRICT.match(text, x.end)
            k += 1
            if (
                mt is None
                or ex is None
                or x.kind not in ("unknown", "name")
                or not (self.o.is_a(ex.type, "Place") or not ex.resolved)
                or ex.type == "State"
                or not re.search(
                    r"(?:\b(?:in|at|near|of|outside|to|from|towards|through)\s+|\()$",
                    text[max(0, x.start - 12) : x.start],
                )
            ):
                continue
            end = mt.end()
            inside = [y for y in ms[k:] if y.start < end]
            if any(y.kind != "unknown" or dm.entities[y.entity or ""].resolved for y in inside):
                continue  # the part after the dash is a known name
            surface = text[x.start : end]
            iri = self._new_entity(dm, surface, "Settlement", surface)
            dm.entities[iri].country = ex.country  # the city's (reference or gazetteer)
            ms[k - 1] = Mention(x.start, end, surface, "unknown", iri, x.sentence, "Settlement")
            del ms[k : k + len(inside)]
            for old in [ex] + [dm.entities[y.entity or ""] for y in inside]:
                if not old.resolved and not any(m.entity == old.id for m in ms):
                    dm.entities.pop(old.id, None)

    def _repoint(self, dm: DocMentions, old: str, new: str) -> None:
        if old == new:
            return
        for m in dm.mentions:
            if m.entity == old:
                m.entity = new
                m.cls = dm.entities[new].type
        dm.entities.pop(old, None)

    def _focus(self, dm: DocMentions, text: str) -> str | None:
        """The state the report is about: where its places are, and the state it names most,
        twice over when named as a location ("in Mali")."""
        counts: Counter[str] = Counter()
        for m in dm.mentions:
            ent = dm.entities.get(m.entity or "")
            if ent is None:
                continue
            if ent.type == "State":
                where = re.search(r"\b(?:in|across|of|out of|into|inside|to)\s+$", text[: m.start])
                counts[ent.id] += 2 if where and m.kind != "demonym" else 1
            elif self.o.is_a(ent.type, "Place") and ent.country:
                counts[ent.country] += 1
        return counts.most_common(1)[0][0] if counts else None

    def _bare_institutions(
        self, dm: DocMentions, text: str, sentences: list[tuple[int, int]]
    ) -> None:
        """ "The Ministry of Foreign Affairs" with no country: the ministry of the state the
        sentence (or the one before) names."""
        for m in list(dm.mentions):
            ent = dm.entities.get(m.entity or "")
            if m.kind != "unknown" or ent is None or ent.type != "GovernmentBody":
                continue
            if "Ministry" not in m.text or self.r.lookup(m.text) is not None:
                continue
            same = [x for x in dm.in_sentence(m.sentence) if x.cls == "State" and x is not m]
            prev = [x for x in dm.in_sentence(m.sentence - 1) if x.cls == "State"]
            cands = same or prev
            if not cands:
                continue
            state = self._nearest(cands, m.start)
            st = dm.entities.get(state.entity or "")
            if st is None:
                continue
            found = None
            dems = self._demonyms_of(st.id)
            # "Defence Ministry" is the reference's "Russian Ministry of Defence"
            kind = re.fullmatch(r"(\w+) Ministry", m.text)
            name = m.text
            if kind and kind.group(1).lower() in MINISTRY_NAMES:
                name = f"Ministry of {MINISTRY_NAMES[kind.group(1).lower()]}"
            names = dict.fromkeys([m.text, name])
            for candidate in [
                *(f"{d} {n}" for n in names for d in dems),
                *(f"{n} of {st.label}" for n in names),
            ]:
                found = self.r.lookup(candidate)
                if found:
                    break
            if found is not None:
                new_iri = self._ref_entity(dm, found.id.rsplit("/", 1)[-1], m.text)
            else:
                new_iri = self._new_entity(dm, f"{name} of {st.label}", "GovernmentBody", m.text)
            if new_iri != m.entity:
                self._repoint(dm, m.entity or "", new_iri)
            dm.inferred.append((new_iri, st.id, m.sentence, "rel.partof.unqualified-institution"))

    _MINISTRY = re.compile(
        r"\b(?:the\s+)?(?P<kind>(?i:health|defen[cs]e|interior|foreign|information|justice|"
        r"finance|education|agriculture|energy|transport|security))\s+ministry\b"
    )

    def _lower_ministries(
        self, dm: DocMentions, text: str, sentences: list[tuple[int, int]]
    ) -> None:
        """ "the health ministry said", "Lebanon's health ministry", "the Lebanese defence
        ministry": the ministry of the state named right before it, else of the nearest state
        of the sentence, else of the report's state."""
        taken = [(m.start, m.end) for m in dm.mentions if m.kind != "demonym"]
        for i, (a, b) in enumerate(sentences):
            for mt in self._MINISTRY.finditer(text, a, b):
                ms, me = mt.start("kind"), mt.end()
                if _overlaps(ms, me, taken):
                    continue
                before = [x for x in dm.mentions if x.end <= ms and ms - x.end <= 3]
                owner = before[-1] if before else None
                st = None
                if owner is not None:
                    ent = dm.entities.get(owner.entity or "")
                    if owner.kind == "demonym" or (ent is not None and ent.type == "State"):
                        st = owner.entity
                if st is None:
                    same = [x for x in dm.in_sentence(i) if x.cls == "State"]
                    st = self._nearest(same, ms).entity if same else dm.focus_state
                state = self.r.entity(st.rsplit("/", 1)[-1]) if st else None
                if state is None:
                    continue
                kind = MINISTRY_NAMES[mt.group("kind").lower()]
                surface = text[ms:me]
                # the reference's own record ("Russian Ministry of Defence"), if it has one
                cands = [f"{d} Ministry of {kind}" for d in self._demonyms_of(state.id)]
                cands.append(f"Ministry of {kind} of {state.label}")
                found = next(
                    (
                        ref
                        for ref in map(self.r.lookup, cands)
                        if ref is not None and ref.type in ("GovernmentBody", "StateForce")
                    ),
                    None,
                )
                if found is not None:
                    iri = self._ref_entity(dm, found.id.rsplit("/", 1)[-1], surface)
                else:
                    label = f"Ministry of {kind} of {state.label}"
                    iri = self._new_entity(dm, label, "GovernmentBody", surface)
                dm.mentions.append(Mention(ms, me, surface, "unknown", iri, i, "GovernmentBody"))
                taken.append((ms, me))
                dm.inferred.append((iri, state.id, i, "rel.partof.unqualified-institution"))

    def _demonyms_of(self, state: str) -> list[str]:
        """The demonyms of a reference state ("Malian" for Mali)."""
        return [d for d, e in self.r.ref.demonyms.items() if self.r.entity(e).id == state]

    @staticmethod
    def _nearest(cands: list[Mention], pos: int) -> Mention:
        return min(cands, key=lambda x: abs(x.start - pos))

    def _generics(self, dm: DocMentions, text: str, sentences: list[tuple[int, int]]) -> None:
        lex = self.lex
        names = [m for m in dm.mentions if m.kind != "demonym"]  # sorted by start
        taken = _Spans([(m.start, m.end) for m in names])
        starts = [m.start for m in names]
        demonyms: dict[int, Mention] = {}
        states: dict[int, Mention] = {}
        for x in dm.mentions:
            if x.kind == "demonym":
                demonyms.setdefault(x.start, x)
        for x in names:
            if x.cls == "State":
                states.setdefault(x.end, x)
        found: list[tuple[int, int, str, int, Mention | None]] = []
        blocked: list[tuple[int, int]] = []  # descriptors of names: no shorter head inside
        for a, b in sentences:
            # spans found in earlier sentences end before this one starts
            first_found, first_blocked = len(found), len(blocked)
            for m in self._generic_rx.finditer(text, a, b):
                head = m.group("head")
                gi = self._generic_index[head.lower()]
                hs, he = m.span("head")
                dem = None
                s = m.start()
                if m.group("dem"):
                    dem_m = demonyms.get(m.start("dem"))
                    if dem_m is None:
                        s = m.start("adj") if m.group("adj") else hs
                        if m.group("det") and not m.group("adj"):
                            continue
                    dem = dem_m
                if dem is None and not m.group("det"):
                    poss = _possessor(states, text, m.start())
                    if poss is not None:
                        dem = Mention(
                            poss.start,
                            poss.end,
                            poss.text,
                            "possessive",
                            poss.entity,
                            poss.sentence,
                            "State",
                        )
                # "military presence", "army commander": the head is a modifier here
                nxt_word = re.match(r"\s+([a-z][a-z-]*)\b", text[he : he + 30])
                singular = not text[hs:he].lower().endswith("s")
                if singular and nxt_word and _modifies(nxt_word.group(1)):
                    continue
                adj = m.group("adj")
                if adj and adj.lower() in _DETERMINERS:
                    s = m.start("adj")
                    det_ok = True
                elif adj and adj.lower() in _NOT_ADJ:
                    s = hs
                    det_ok = False
                else:
                    det_ok = bool(m.group("det"))
                if not (
                    det_ok
                    or dem
                    or (lex.generic[gi].bare and (head.isupper() or m.group(0).endswith("s")))
                ):
                    continue
                if taken.overlaps(s, he) or _overlaps(
                    hs, he, [(f[0], f[1]) for f in found[first_found:]] + blocked[first_blocked:]
                ):
                    continue
                # a descriptor next to a name ("the group JNIM", "Wagner fighters")
                k = bisect_left(starts, he)
                nxt = names[k] if k < len(names) else None
                j = bisect_right(starts, s) - 1  # the last name before s that ends by s
                while j >= 0 and names[j].end > s:
                    j -= 1
                prv = names[j] if j >= 0 else None
                if nxt and re.fullmatch(r"[\s\"“'’]*(?:,\s+(?:the\s+)?)?", text[he : nxt.start]):
                    blocked.append((hs, he))
                    continue
                if prv and re.fullmatch(r"[\s\"”'’]*", text[prv.end : hs]) and not m.group("det"):
                    blocked.append((hs, he))
                    continue
                found.append((s, he, m.group(0)[s - m.start() :], gi, dem))
        found.sort()
        sentence_starts = [a for a, _ in sentences]
        for s, e, surface, gi, dem in found:
            i = bisect_right(sentence_starts, s) - 1
            if not (i >= 0 and sentences[i][0] <= s < sentences[i][1]):
                i = next(k for k, (a, b) in enumerate(sentences) if a <= s < b)
            iri = self._resolve_generic(dm, gi, dem, s, text)
            if iri is None:
                continue
            ent = dm.entities.get(iri)
            if ent is None:
                ref_id = iri.rsplit("/", 1)[-1]
                self._ref_entity(dm, ref_id, surface)
                ent = dm.entities[iri]
            ent.add_mention(surface, generic=True)
            # "the Somali army", "Cameroon's troops", "government forces" (of the report's
            # state): the force named by its state is part of that state
            home = dem.entity if dem is not None else None
            if home is None and surface.lower().startswith("government "):
                home = dm.focus_state
            if home is not None and ent.type in _STATE_BODIES and ent.country == home:
                dm.inferred.append((iri, home, i, "rel.partof.state-generic"))
            if dem is not None and dem in dm.mentions and dem.kind == "demonym":
                dm.mentions.remove(dem)
            # where a stable sort after appending would put it: the list stays sorted
            insort(dm.mentions, Mention(s, e, surface, "generic", iri, i, ent.type), key=_start)

    _POSSESSIVE_PRONOUN = re.compile(
        r"[\s\"“]*(?P<its>Its|Their)\s+(?=(?:[a-z][\w-]*\s+){0,2}(?:spokes(?:man|woman|person)|leaders?|"
        r"commanders?|chief|founder|head)\b)"
    )

    def _pronoun_owners(self, dm: DocMentions, text: str, sentences: list[tuple[int, int]]) -> None:
        """ "The M23 rejected the accusations. Its political spokesman, Lawrence Kanyuka,
        said ...": a sentence opening with "Its/Their" and a role names the role of the
        previous sentence's subject, its first organisation or state ("Russia's Defence
        Ministry denied ...": the ministry, not Russia). Nothing when that sentence opens
        otherwise (a date or place first is allowed, a person or an event is not)."""
        dm.mentions.sort(key=lambda m: m.start)
        dm.index_sentences()
        for i in range(1, len(sentences)):
            a, _ = sentences[i]
            m = self._POSSESSIVE_PRONOUN.match(text, a)
            if m is None:
                continue
            prev = [x for x in dm.in_sentence(i - 1) if x.kind != "demonym" and x.entity]
            owner = None
            for k, x in enumerate(prev):
                ent = dm.entities.get(x.entity or "")
                if ent is None or (self.o.is_a(ent.type, "Place") and ent.type != "State"):
                    continue  # "In Goma, the M23 said ...": past the opening place
                if not self.o.is_a(ent.type, "Organization") and ent.type != "State":
                    break  # a person or something else is the subject
                nxt = prev[k + 1] if k + 1 < len(prev) else None
                if (
                    ent.type == "State"
                    and nxt is not None
                    and re.fullmatch(r"['’]s\s+(?:[A-Z][\w-]*\s+){0,2}", text[x.end : nxt.start])
                ):
                    continue  # "Russia's Defence Ministry": the ministry
                owner = x
                break
            if owner is None or owner.entity is None:
                continue
            ent = dm.entities[owner.entity]
            surface = m.group("its")
            ent.add_mention(surface, generic=True)
            start, end = m.span("its")
            dm.mentions.append(Mention(start, end, surface, "generic", ent.id, i, ent.type))
        dm.mentions.sort(key=lambda m: m.start)

    def _resolve_generic(
        self, dm: DocMentions, gi: int, dem: Mention | None, pos: int, text: str | None = None
    ) -> str | None:
        rule = self.lex.generic[gi]
        o = self.o
        state = dem.entity if dem else None
        if state and any(o.is_a("State", c) for c in rule.classes):
            return state
        if rule.prefer_focus and state is None and dm.focus_state and "State" in rule.classes:
            return dm.focus_state
        if rule.prefer_focus and "StateForce" in rule.classes:
            home = state or dm.focus_state
            if home:
                for ent in self.r.ref.entities.values():
                    if ent.type == "StateForce" and ent.country == home:
                        return ent.id
        best: Mention | None = None
        aside: Mention | None = None  # named only as what another is tied to
        for m in dm.mentions:
            if m.start >= pos or m.entity is None or m.kind == "demonym":
                continue
            cand = dm.entities.get(m.entity)
            if cand is None or not any(o.is_a(cand.type, c) for c in rule.classes):
                continue
            if state and cand.country != state and cand.id != state:
                continue
            # "al-Shabaab, which is linked to al-Qaeda, said...": "the group" of the next
            # sentence is al-Shabaab, not the organisation it is linked to
            if text is not None and _TIED_TO.search(text[max(0, m.start - 40) : m.start]):
                aside = m
                continue
            best = m
        if best is None:
            best = aside
        return best.entity if best else None

    # -- collective actors (loaders/text/mentions.yaml, collective) ---------------------------
    def collective_iri(
        self, dm: DocMentions, kind: str, state: str | None, text: str | None = None
    ) -> str:
        """The entity of the collective actor ``kind`` of ``state`` ("Protesters (Uganda)"),
        added to the document; without a state, the kind's country-less name."""
        rule = next(c for c in self.lex.collective if c.kind == kind)
        st = dm.entities.get(state or "") if state else None
        if st is None and state and state.rsplit("/", 1)[-1] in self.r.ref.entities:
            st = self.r.entity(state.rsplit("/", 1)[-1])
        name = rule.name.format(country=st.label) if st is not None else rule.unknown
        ref = self.r.lookup(name)
        if ref is not None and self.o.is_a(ref.type, "Actor"):
            iri = self._ref_entity(dm, ref.id.rsplit("/", 1)[-1], text or name)
        else:
            iri = self._new_entity(dm, name, rule.cls, text or name)
            if st is not None:
                dm.entities[iri].country = st.id
        if text:
            dm.entities[iri].add_mention(text, generic=True)
        dm.collective[iri] = (kind, st.id if st is not None else None)
        return iri

    def _collectives(self, dm: DocMentions, text: str, sentences: list[tuple[int, int]]) -> None:
        """Unnamed people ("protesters", "unidentified gunmen", "a man"): the collective actor
        of their kind and of the report's country (a demonym before them names another)."""
        if self._collective_rx is None or not self.notes:
            return
        names = [m for m in dm.mentions if m.kind != "demonym"]
        taken = [(m.start, m.end) for m in names]
        for i, (a, b) in enumerate(sentences):
            for m in self._collective_rx.finditer(text, a, b):
                hs, he = m.span()
                if _overlaps(hs, he, taken):
                    continue
                head = m.group(0)
                # "police station", "army base", "youth council": the head is a modifier
                nxt_word = re.match(r"\s+([a-z][a-z-]*)\b", text[he : he + 30])
                if head.lower() in _ATTRIBUTIVE and nxt_word and _modifies(nxt_word.group(1)):
                    continue
                # "JNIM gunmen", "PTI activists": a description of the name before it; but
                # "Palestinian rioters": a nationality the reference does not know
                prv = next((x for x in reversed(names) if x.end <= hs), None)
                adjective = None
                if prv and re.fullmatch(r"[\s\"”'’-]*", text[prv.end : hs]):
                    ent = dm.entities.get(prv.entity or "")
                    if not (
                        prv.kind == "unknown"
                        and ent is not None
                        and not ent.resolved
                        and re.fullmatch(r"[A-Z][a-z]+(?:an|ese|ish|i)", prv.text)
                        and text[prv.end : hs] == " "
                    ):
                        continue
                    adjective = prv
                # "members of the PTI": the name after it is the actor
                nxt = next((x for x in names if x.start >= he), None)
                if nxt and re.fullmatch(r"\s+of\s+(?:the\s+)?", text[he : nxt.start]):
                    continue
                kind = self.lex.collective[self._collective_index[head.lower()]].kind
                dem = next(
                    (x for x in dm.mentions if x.kind == "demonym" and 0 < hs - x.end <= 1),
                    None,
                )
                state = dem.entity if dem is not None else dm.focus_state
                if adjective is not None:  # of a country the reference does not know
                    state = None
                start = next((x.start for x in (dem, adjective) if x is not None), hs)
                surface = text[start:he]
                iri = self.collective_iri(dm, kind, state, surface)
                if dem is None and adjective is None:
                    dm.collective_guessed.add(iri)
                if dem is not None:
                    dm.mentions.remove(dem)
                if adjective is not None:
                    dm.mentions.remove(adjective)
                    if not any(x.entity == adjective.entity for x in dm.mentions):
                        dm.entities.pop(adjective.entity or "", None)
                cls = dm.entities[iri].type
                dm.mentions.append(Mention(start, he, surface, "collective", iri, i, cls))
                taken.append((start, he))


#: a state's own bodies: part of the state a demonym or possessive names
_STATE_BODIES = frozenset({"StateForce", "GovernmentBody", "IntelligenceAgency"})

_ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ath"})


def _is_number_word(word: str) -> bool:
    from kg.load.text.numbers import parse_number_words

    try:
        return parse_number_words(word) is not None
    except Exception:
        return False


_FUNCTION_WORDS = {
    "and",
    "or",
    "but",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "from",
    "by",
    "with",
    "as",
    "that",
    "which",
    "who",
    "whose",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "said",
    "says",
    "say",
    "will",
    "would",
    "could",
    "can",
    "may",
    "might",
    "must",
    "should",
    "also",
    "then",
    "now",
    "later",
    "did",
    "does",
    "do",
    "not",
    "never",
    "took",
    "made",
    "sent",
    "led",
    "fought",
    "won",
    "lost",
    "began",
    "ran",
    "held",
    "kept",
    "left",
    "told",
    "gave",
    "into",
    "after",
    "before",
    "during",
    "since",
    "near",
    "under",
    "over",
    "against",
    "about",
    "itself",
    "themselves",
    "alone",
    "together",
    "too",
    "again",
    "there",
    "here",
}


_COMPASS = {"North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western"}
_COMPASS |= {"Central", "Upper", "Lower"}

#: collective heads that are often modifiers: "police station", "army base", "youth council"
_ATTRIBUTIVE = {
    "police",
    "army",
    "military",
    "youth",
    "student",
    "worker",
    "farmer",
    "civilian",
    "teacher",
    "trader",
    "merchant",
    "driver",
    "community members",
}


def _modifies(word: str) -> bool:
    """Whether ``word`` after a generic head makes the head a modifier ("military presence"),
    rather than a verb or a function word following the head ("the army attacked")."""
    w = word.lower()
    return not (w in _FUNCTION_WORDS or w.endswith(("ed", "s", "ly", "ing")))


_DETERMINERS = {"the", "these", "those", "its", "their", "this", "that"}
_NOT_ADJ = _FUNCTION_WORDS | {"the", "a", "an", "this", "who", "which"}


def _overlaps(a: int, b: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < y and x < b for x, y in spans)


def _start(m: Mention) -> int:
    return m.start


class _Spans:
    """Fixed spans answering :func:`_overlaps` in O(log n): sorted by start, with the
    largest end so far."""

    def __init__(self, spans: list[tuple[int, int]]):
        spans = sorted(spans)
        self.starts = [x for x, _ in spans]
        self.reach: list[int] = []
        top = -1
        for _, y in spans:
            top = max(top, y)
            self.reach.append(top)

    def overlaps(self, a: int, b: int) -> bool:
        k = bisect_left(self.starts, b)  # the spans that start before b...
        return k > 0 and self.reach[k - 1] > a  # ...one of which ends after a


def _possessor(states: dict[int, Mention], text: str, at: int) -> Mention | None:
    """The state named just before ``'s`` and the spaces that end at ``at`` ("Mali's army")."""
    k = at
    while k > 0 and text[k - 1].isspace():
        k -= 1
    if k == at or k < 2 or text[k - 1] != "s" or text[k - 2] not in "'’":
        return None
    return states.get(k - 2)


def _after_quote_start(text: str, t: Token) -> bool:
    before = text[max(0, t.start - 2) : t.start]
    return bool(re.search(r"(^|[.!?]\s?)[\"“']$", before)) or bool(
        re.search(r"\n\s*$", text[max(0, t.start - 3) : t.start])
    )
