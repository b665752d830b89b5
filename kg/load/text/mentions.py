"""Finding who and where a report mentions.

In order of trust: reference entities by label or alias (longest match), ordinal unit names
("the 13th assault squad"), quoted names after a call-sign cue, unknown capitalised names
(new, unresolved entities, typed from their head word or the words before them), demonyms
("Malian") and generic mentions ("the junta", "Russian mercenaries"), which are resolved to
the nearest fitting actor or left out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import pairwise

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

    def in_sentence(self, i: int) -> list[Mention]:
        return [m for m in self.mentions if m.sentence == i]


class MentionFinder:
    """Finds and resolves the mentions of one document."""

    def __init__(self, resolver: Resolver, lex: Lexicon, o: Ontology):
        self.r = resolver
        self.lex = lex
        self.o = o
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
        noninitial_caps = Counter(
            t.text for ts in toks for t in ts[1:] if t.cap and not _after_quote_start(text, t)
        )
        lower_words = {t.key for ts in toks for t in ts if t.text[:1].islower()}
        for i, (a, b) in enumerate(sentences):
            taken: list[tuple[int, int]] = []
            self._names(dm, text, toks[i], i, taken)
            self._units(dm, text, a, b, i, taken)
            self._quoted(dm, text, a, b, i, taken)
            self._unknown(dm, text, toks[i], i, taken, noninitial_caps, lower_words, a)
            self._demonyms(dm, toks[i], i, taken)
        dm.mentions.sort(key=lambda m: m.start)
        self._alias_parentheses(dm, text)
        dm.focus_state = self._focus(dm, text)
        self._bare_institutions(dm, text, sentences)
        self._generics(dm, text, sentences)
        dm.mentions.sort(key=lambda m: m.start)
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
            if not t.cap or _overlaps(t.start, t.end, taken) or self._is_stop(t):
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
            j = k
            if len(span) == 1 and span[0].text in self._generic_words:
                continue
            # sentence-initial common words ("Background.", "Later,") are not names
            at_start = span[0].start == sent_start or _after_quote_start(text, span[0])
            if (
                at_start
                and (span[0].key in lower_words or noninitial_caps[span[0].text] == 0)
                and not is_acronym(span[0].text)
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
            while len(span) > 1 and span[0].text.rstrip(".") in self._title_words:
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
            r" (region|province|district|county|oblast|governorate)\b", text[b : b + 16]
        )
        if area:
            b += area.end()
        name = text[a:b]
        before = text[max(0, a - 40) : a].lower()
        cls = "Region" if area else self._guess_class(name, before, span)
        if person and cls not in ("GovernmentBody", "IntelligenceAgency", "StateForce"):
            cls = "Person"
        # a surname alone refers to a person already named in full
        if len(span) == 1:
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
            iri = self._new_entity(dm, name, cls, name)
        dm.mentions.append(Mention(a, b, name, "unknown", iri, i, cls))
        taken.append((a, b))

    def _guess_class(self, name: str, before: str, span: list[Token]) -> str:
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
        for prep in ("in", "near", "at", "outside", "town of", "village of", "city of"):
            if re.search(rf"\b{prep}\s+$", before):
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
            if ex and ey and not ey.resolved:
                ex.add_mention(y.text)
                self._repoint(dm, y.entity, x.entity)
            elif ex and ey and not ex.resolved:
                ey.add_mention(x.text)
                self._repoint(dm, x.entity, y.entity)

    def _repoint(self, dm: DocMentions, old: str, new: str) -> None:
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
            dems = [d for d, e in self.r.ref.demonyms.items() if self.r.entity(e).id == st.id]
            for candidate in [*(f"{d} {m.text}" for d in dems), f"{m.text} of {st.label}"]:
                found = self.r.lookup(candidate)
                if found:
                    break
            if found is not None:
                new_iri = self._ref_entity(dm, found.id.rsplit("/", 1)[-1], m.text)
            else:
                new_iri = self._new_entity(dm, f"{m.text} of {st.label}", "GovernmentBody", m.text)
            if new_iri != m.entity:
                self._repoint(dm, m.entity or "", new_iri)
            dm.inferred.append((new_iri, st.id, m.sentence, "rel.partof.unqualified-institution"))

    @staticmethod
    def _nearest(cands: list[Mention], pos: int) -> Mention:
        return min(cands, key=lambda x: abs(x.start - pos))

    def _generics(self, dm: DocMentions, text: str, sentences: list[tuple[int, int]]) -> None:
        lex = self.lex
        names = [m for m in dm.mentions if m.kind != "demonym"]
        taken = [(m.start, m.end) for m in names]
        found: list[tuple[int, int, str, int, Mention | None]] = []
        blocked: list[tuple[int, int]] = []  # descriptors of names: no shorter head inside
        for a, b in sentences:
            for m in self._generic_rx.finditer(text, a, b):
                head = m.group("head")
                gi = self._generic_index[head.lower()]
                hs, he = m.span("head")
                dem = None
                s = m.start()
                if m.group("dem"):
                    dem_m = next(
                        (
                            x
                            for x in dm.mentions
                            if x.kind == "demonym" and x.start == m.start("dem")
                        ),
                        None,
                    )
                    if dem_m is None:
                        s = m.start("adj") if m.group("adj") else hs
                        if m.group("det") and not m.group("adj"):
                            continue
                    dem = dem_m
                if dem is None and not m.group("det"):
                    poss = next(
                        (
                            x
                            for x in names
                            if x.cls == "State"
                            and re.fullmatch(r"['’]s\s+", text[x.end : m.start()])
                        ),
                        None,
                    )
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
                if _overlaps(s, he, taken) or _overlaps(
                    hs, he, [(f[0], f[1]) for f in found] + blocked
                ):
                    continue
                # a descriptor next to a name ("the group JNIM", "Wagner fighters")
                nxt = next((x for x in names if x.start >= he), None)
                prv = next((x for x in reversed(names) if x.end <= s), None)
                if nxt and re.fullmatch(r"[\s\"“'’]*(?:,\s+(?:the\s+)?)?", text[he : nxt.start]):
                    blocked.append((hs, he))
                    continue
                if prv and re.fullmatch(r"[\s\"”'’]*", text[prv.end : hs]) and not m.group("det"):
                    blocked.append((hs, he))
                    continue
                found.append((s, he, m.group(0)[s - m.start() :], gi, dem))
        found.sort()
        for s, e, surface, gi, dem in found:
            i = next(k for k, (a, b) in enumerate(sentences) if a <= s < b)
            iri = self._resolve_generic(dm, gi, dem, s)
            if iri is None:
                continue
            ent = dm.entities.get(iri)
            if ent is None:
                ref_id = iri.rsplit("/", 1)[-1]
                self._ref_entity(dm, ref_id, surface)
                ent = dm.entities[iri]
            ent.add_mention(surface, generic=True)
            if dem is not None and dem in dm.mentions and dem.kind == "demonym":
                dm.mentions.remove(dem)
            dm.mentions.append(Mention(s, e, surface, "generic", iri, i, ent.type))
            dm.mentions.sort(key=lambda m: m.start)

    def _resolve_generic(
        self, dm: DocMentions, gi: int, dem: Mention | None, pos: int
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
        for m in dm.mentions:
            if m.start >= pos or m.entity is None or m.kind == "demonym":
                continue
            cand = dm.entities.get(m.entity)
            if cand is None or not any(o.is_a(cand.type, c) for c in rule.classes):
                continue
            if state and cand.country != state and cand.id != state:
                continue
            best = m
        return best.entity if best else None


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


def _modifies(word: str) -> bool:
    """Whether ``word`` after a generic head makes the head a modifier ("military presence"),
    rather than a verb or a function word following the head ("the army attacked")."""
    w = word.lower()
    return not (w in _FUNCTION_WORDS or w.endswith(("ed", "s", "ly", "ing")))


_DETERMINERS = {"the", "these", "those", "its", "their", "this", "that"}
_NOT_ADJ = _FUNCTION_WORDS | {"the", "a", "an", "this", "who", "which"}


def _overlaps(a: int, b: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < y and x < b for x, y in spans)


def _after_quote_start(text: str, t: Token) -> bool:
    before = text[max(0, t.start - 2) : t.start]
    return bool(re.search(r"(^|[.!?]\s?)[\"“']$", before)) or bool(
        re.search(r"\n\s*$", text[max(0, t.start - 3) : t.start])
    )
