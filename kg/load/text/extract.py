"""The report extractor: text in, an :class:`~kg.model.Extraction` out.

For each sentence the extractor builds a *template*: the sentence with every mention
replaced by a placeholder (``⟦3⟧`` for an entity, ``⟪5⟫`` for a demonym), quotes removed and
"the" before a name dropped. The lexicons in ``loaders/text/`` are patterns over these
templates: relation cues, attribution cues, statements. Events come from trigger words with
their roles read off the voice of the verb; counts from :mod:`kg.load.text.numbers` with
fatality cues around them; dates from :mod:`kg.load.text.dates`, resolved against the report
date. Every claim carries the sentence as evidence, the rule id and who asserted it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import ClassVar

from kg.load.text.dates import DateMention, find_dates, resolve_relative
from kg.load.text.lexicon import CLOSE, DCLOSE, DOPEN, OPEN, Lexicon, Trigger, lexicon
from kg.load.text.mentions import (
    MINISTRY_NAMES,
    DocMentions,
    Mention,
    MentionFinder,
    document_entity,
)
from kg.load.text.numbers import Count, find_counts
from kg.load.text.sentences import split_sentences
from kg.model import Claim, Document, Event, Evidence, Extraction, Participant, slugify
from kg.ontology import Ontology, ontology
from kg.resolve import Resolver, default_resolver

_PH = re.compile(rf"{OPEN}(\d+){CLOSE}")
_DPH = re.compile(rf"{DOPEN}(\d+){DCLOSE}")
_CLAUSE = re.compile(
    r"(?:,\s+(?:while|whereas|but|accusing|alleging|blaming|claiming|saying|although)\b"
    r"|;\s+|\s+while\s+|,\s+and\s+(?!" + OPEN + r"))",
    re.I,
)
_PASSIVE = re.compile(
    r"\b(?:was|were|been|being|be|is|are|got|get|gets)\s+(?:[a-z]+ly\s+|not\s+|also\s+)*"
    # "was shot and killed", "were beaten and injured": a passive verb coordinated before
    r"(?:[a-z]+(?:ed|en|t)\s+(?:[\w-]+\s+){0,4}?and\s+)?$",
    re.I,
)
# "was shot and killed by two armed men": a passive fatal verb whose agent is named
_BY_AGENT = re.compile(rf"^[^.;]{{0,90}}?\s+by\s+(?:[\w-]+\s+){{0,2}}?{OPEN}(\d+){CLOSE}")
_APPOSITIVE = re.compile(
    r",\s+(?:(?:who|which|that|linked|tied|affiliated|allied|aligned|loyal|an?|once|formerly|now|"
    r"known|led|backed|based|part|whose|itself|themselves)\b|"
    + OPEN
    + r"\d+"
    + CLOSE
    + r"'s\s)[^,;]*,",
    re.I,
)
_NOT_ACTOR_BEFORE = re.compile(
    r"\b(?:in|at|near|outside|around|with|to|by|into|across|on|against|toward|towards)"
    r"\s+$",
    re.I,
)
_ACTOR_CLASSES = ("Actor",)
# "members of the Gran Grif gang killed ...": the group is who acted
_MEMBERS_OF = re.compile(
    r"\b(?:[Mm]embers|[Ff]ighters|[Mm]ilitants|[Ee]lements|[Gg]unmen|[Cc]ombatants|[Ff]orces|"
    r"[Uu]nits|[Mm]en|[Rr]ecruits|[Ll]oyalists)\s+(?:of|from|loyal to)\s+(?:the\s+)?"
    rf"(?={OPEN})"
)
_VICTIM_COUNT = re.compile(
    r"\s+(?:at\s+least\s+|more\s+than\s+|over\s+|some\s+|about\s+|around\s+|nearly\s+|"
    r"almost\s+|up\s+to\s+|an\s+estimated\s+|as\s+many\s+as\s+)?"
    r"(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|a\s+hundred|dozens|scores|hundreds|several|many|"
    # "a man", "an off-duty policeman", "a local administrator", "his son"
    r"(?:an?|his|her|their)\s+(?:[\w-]+\s+){0,2}?(?:man|woman|civilian|soldier|villager|child|"
    r"boy|girl|farmer|herder|trader|merchant|shopkeeper|policeman|police\s+officer|gendarme|"
    r"guard|teacher|student|journalist|official|officer|driver|worker|resident|chief|leader|"
    r"member|militiaman|fighter|pastor|priest|imam|doctor|nurse|administrator|son|daughter|"
    r"husband|wife|brother|father|mother|relative|person|youth|teenager|motorist|passenger))\b",
    re.I,
)
#: unnamed armed people right before a killing verb ("Suspected jihadists killed ...")
_UNNAMED_KILLERS = re.compile(
    r"\b(?:gunmen|gunman|militants|attackers|assailants|armed\s+men|jihadists|insurgents|"
    r"rebels|fighters|bandits|militiamen|extremists|terrorists|kidnappers|raiders|bombers?)"
    r"\s+(?:have\s+|had\s+|reportedly\s+|allegedly\s+|also\s+)?$",
    re.I,
)
_TRAILING_ASIDE = re.compile(
    r"\s*(?:(?:late\s+|early\s+)?on\s+\w+(?:\s+\w+)?|last\s+\w+|yesterday|today|at\s+the\s+time|"
    r"later|earlier|afterwards|"
    r"in\s+a\s+statement|in\s+a\s+\w+\s+statement|"
    # "according to a tally by AFP from hospital sources": where the speaker got it
    r"(?:from|based\s+on|citing|quoting)\s+(?:[\w-]+\s+){0,3}?(?:sources|records|figures|data|"
    r"officials|workers|staff|reports))?\s*(?:,\s*(?:in|as|after|amid|adding|making|bringing|"
    r"raising|taking|which)\b[^.;]*)?[.;]?\s*$",
    re.I,
)
_RANK = re.compile(
    r"\b(?:(?:Field |Air )?Marshal|(?:Lieutenant |Lt\.? |Major |Brigadier |Maj\.? )?General|Gen\.?"
    r"|(?:Lieutenant |Lt\.? )?Colonel|Col\.?|Major|Maj\.?|Captain|Capt\.?|Lieutenant|Lt\.?"
    r"|Sergeant|Sgt\.?|(?:Vice |Rear )?Admiral|Commander|Mr\.?|Mrs\.?|Ms\.?|Dr\.?)\s+"
    rf"(?={OPEN})"
)
# -- what is not asserted (issue #7) ---------------------------------------------------------
# A fact is read only from words that assert it. Negated ("did not attack", "is not an
# affiliate", "never provided"), modal or future ("could attack", "may become", "will sever"),
# conditional or open ("if ... attack", "whether ... provided") and planned or threatened
# ("threatened to sever", "vowed to attack") verbs state nothing; nor does a question.
_NEGATION = re.compile(r"\b(?:not|never|no\s+longer|neither|nor|cannot)\b|n't\b", re.I)
# (case-sensitive: "may" is a modal, "May" a month)
_IRREALIS = re.compile(
    r"\b(?:[Ii]f|[Uu]nless|[Ww]hether|[Cc]ould|[Ww]ould|[Mm]ight|may|[Ss]hould|shall|will|can)\b"
    r"|\b(?:threaten(?:s|ed)?|vow(?:s|ed)?|plan(?:s|ned)?|intend(?:s|ed)?|want(?:s|ed)?|"
    r"hope(?:s|d)?|pledg(?:es|ed)|promis(?:es|ed)|refus(?:es|ed)|failed)\s+to\b"
)


_OPENER = re.compile(r"\s*(?:and\s+|but\s+)?(?:if|unless|whether)\b", re.I)
_DENIAL = re.compile(r"\b(?:denied|denies|deny|denying)\b", re.I)
# words without which no statement rule can match (checked first: most sentences have none)
_STATEMENT_CUE = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|reject|dismiss|refut|disput|claim|admit|acknowledg|"
    r"responsib|credit|boast|accus|blam|pinned|(?:said|says)\s+(?:that\s+)?(?:its|their)\b|"
    r"\b(?:its|their)\s+(?:own\s+)?(?:fighters|men|forces|members|units|troops|militants|"
    r"mujahideen|soldiers)\b)",
    re.I,
)


#: what a denial denies when it is the incident under discussion, not another matter
_DENIES_INCIDENT = re.compile(
    r"(?:any |all |its |their )?(?:involvement|role|responsibility|part)\b"
    r"(?! in (?:the )?(?:supply|arm|fund|financ|back|sponsor))"
    r"|(?:the |these |those |such )?(?:accusations?|allegations?|charges?)(?:$|\s+that\b"
    r"(?!.*\b(?:supplie|supplying|arming|armed|funding|funded|backing|backed|sponsor)))"
    r"|(?:that\s+)?(?:(?:its|their|his|her)\s+(?:own\s+)?(?:[\w-]+\s+)?|it\s+|they\s+)"
    r"(?:had\s+|have\s+)?"
    r"(?:carried out|killed|targeted|attacked|ordered|shot|bombed|struck|fired|massacred)\b"
    r"|(?:killing|attacking|targeting|bombing|shooting|ordering|carrying out)\b",
    re.IGNORECASE,
)


def _unasserted(text: str) -> bool:
    """Whether words that lead up to a cue (or a cue's own span) keep it from being a fact."""
    return bool(_NEGATION.search(text) or _IRREALIS.search(text))


#: kinds of text the extractor reads (see :class:`ReportExtractor`)
REGISTERS = ("news", "notes")
_VIOLENT = {"attack", "battle", "massacre", "strike", "bombing"}
#: suppressing words that hold back only the reported speech they are in
_MODALS = frozenset({"would", "could", "may have", "might have"})
#: a name or nationality right before a noun cue, a weapon's word between at most: "US air
#: strikes", "Israeli strikes", "RSF drone attacks" (whose they were)
_OWNER = re.compile(
    rf"(?:{OPEN}(\d+){CLOSE}|{DOPEN}(\d+){DCLOSE})\s+(?:(?:drone|missile|rocket|artillery|air|"
    rf"aerial|naval|ground|mortar)\s+)?$"
)
#: event types whose actor did something to someone or something (its perpetrator)
_DONE_TO = {"LootingDestruction", "Abduction", "Arrest"}


@dataclass
class _Sentence:
    index: int
    start: int
    end: int
    text: str
    template: str
    ph: list[Mention]  # placeholder index -> mention
    tpos: list[int]  # template offset -> sentence offset
    clauses: list[tuple[int, int]] = field(default_factory=list)

    def evidence(self) -> Evidence:
        return Evidence(text=self.text, start=self.start, end=self.end, sentence=self.index)

    @property
    def question(self) -> bool:
        """A question asks; it states nothing ("Did the army strike first?")."""
        return self.text.rstrip().rstrip("\"'\u201d\u2019)").endswith("?")

    def clause_of(self, tpos: int) -> tuple[int, int]:
        for a, b in self.clauses:
            if a <= tpos < b:
                return a, b
        return 0, len(self.template)


@dataclass
class _Attribution:
    source: str | None
    cited_by: str | None
    rule: str
    start: int  # template offset of the cue
    opens: bool  # the cue opens the sentence or introduces reported speech
    end: int = 0  # template offset after the cue
    closes: bool = False  # nothing but punctuation follows the cue in its clause
    leads: bool = False  # the cue opens the sentence ("According to X, ...")


class ReportExtractor:
    """Rule-based extraction of entities, relations, events, counts and statements.

    Examples
    --------
    >>> from kg.model import Document
    >>> ex = ReportExtractor().extract(Document(id="urn:x", title="t", date="2024-11-23",
    ...     text="JNIM, an al-Qaeda affiliate, ambushed Wagner fighters in Mopti."))
    >>> [(e.type, e.place.rsplit('/', 1)[-1]) for e in ex.events]
    [('Ambush', 'mopti')]
    """

    def __init__(
        self,
        resolver: Resolver | None = None,
        lex: Lexicon | None = None,
        onto: Ontology | None = None,
        *,
        register: str = "news",
    ):
        self.o = onto or ontology()
        self.r = resolver or default_resolver()
        self.lex = lex or lexicon()
        if register not in REGISTERS:
            raise ValueError(f"register {register!r} (valid: {', '.join(REGISTERS)})")
        # "notes": the short event notes of datasets (ACLED's `notes` column), each telling
        # one event. Unnamed people become collective actors named as the dataset names them
        # ("protesters" -> "Protesters (Uganda)"), and a killing with no killer named ("a man
        # was shot and killed") is an event all the same.
        self.register = register
        self.collective = register == "notes"
        self.finder = MentionFinder(self.r, self.lex, self.o, notes=self.collective)
        single = "|".join(
            re.escape(w) for w in sorted(self.lex.fatality_single, key=len, reverse=True)
        )
        self._single_rx = re.compile(
            rf"\b(?P<art>an?|one)\s+(?:[\w'’-]+\s+){{0,3}}?(?:{single or '(?!)'})\b", re.I
        )
        # (trigger, its pattern, its phrase in lower case: a sentence without the phrase is
        # not searched, which spares most of the ~400 patterns on most sentences)
        self._trigger_rx = [
            (t, re.compile(rf"\b{re.escape(t.phrase)}\b", re.I), t.phrase.lower())
            for t in self.lex.triggers
        ]

    # ------------------------------------------------------------------------------------
    def extract(self, doc: Document) -> Extraction:
        text = doc.text
        report_date = dt.date.fromisoformat(doc.date) if doc.date else None
        spans = split_sentences(text)
        dm = self.finder.find(text, spans)
        sents = [self._template(text, a, b, i, dm) for i, (a, b) in enumerate(spans)]
        ex = Extraction(document=doc)
        st = _State(ex=ex, dm=dm, report_date=report_date)
        for s in sents:
            self._sentence(s, st)
        for subj, obj, i, rule in dm.inferred:
            s = sents[i]
            st.add_relation(
                Claim(
                    subject=subj,
                    predicate="partOf",
                    object=obj,
                    evidence=s.evidence(),
                    rule=rule,
                    confidence=0.7,
                )
            )
        self._home_leaders(st, sents, text)
        if self.register == "notes" and sents:
            self._note_event(st, sents)
        self._finish(st)
        return ex

    _HOME_TITLE = re.compile(
        r"(?:^|[\s\"“(])(?:(?:the|then|interim|transitional|acting)\s+)?"
        r"(?:(?P<leader>President|Prime Minister)"
        r"|(?P<minister>(?:(?:Defen[cs]e|Foreign|Interior|Home|Finance|Justice|Health|Information|"
        r"Security|Education|Energy|Transport|Agriculture|Communications?)\s+)Minister"
        r"|Minister\s+of\s+(?:[A-Z][\w-]*\s+){0,2}[A-Z][\w-]*)"
        r"|(?P<spokes>[Gg]overnment\s+spokes(?:man|woman|person),?))\s+$"
    )
    #: title group -> (predicate, rule)
    _HOME_ROLES: ClassVar[dict[str, tuple[str, str]]] = {
        "leader": ("leaderOf", "rel.leader.home-title"),
        "minister": ("memberOf", "rel.memberof.home-minister"),
        "spokes": ("spokespersonOf", "rel.spokesperson.home-government"),
    }

    def _home_leaders(self, st: _State, sents: list[_Sentence], text: str) -> None:
        """An unqualified "President X" / "Prime Minister X" is, in news style, the leader of
        the state the report is about (a foreign one is qualified: "US President Joe
        Biden", "Kenya's president"): leaderOf that state, once per person, at lower
        confidence; a person whose own state is known leads that one. Not when the title
        carries a state ("Somali President" is another rule) or says "former". Likewise
        "Defence Minister X" is a member of that state's government (memberOf) and
        "government spokesman X" its spokesperson; for these two a demonym before the title
        ("Iraqi government spokesman") names the state instead."""
        home = st.dm.focus_state
        done: set[tuple[str, str]] = set()
        for m in st.dm.mentions:
            if m.cls != "Person" or not m.entity or m.sentence >= len(sents):
                continue
            s = sents[m.sentence]
            before = text[max(s.start, m.start - 60) : m.start]
            title = self._HOME_TITLE.search(before)
            if title is None or s.question:
                continue
            group = next(g for g in self._HOME_ROLES if title.group(g))
            predicate, rule = self._HOME_ROLES[group]
            if (m.entity, predicate) in done:
                continue
            lead = before[: title.start()]
            if re.search(r"(?:'s|’s|former|ex-)\s*$", lead, re.IGNORECASE):
                continue
            dem = [
                x
                for x in st.dm.in_sentence(m.sentence)
                if x.kind == "demonym"
                and m.start - 60 <= x.end <= m.start
                and re.fullmatch(r"\s+", text[x.end : m.start - len(before) + title.start() + 1])
            ]
            near_dem = any(
                x.kind == "demonym" and m.start - 30 <= x.end <= m.start
                for x in st.dm.in_sentence(m.sentence)
            )
            ent = st.dm.entities.get(m.entity)
            if group == "leader":
                if near_dem:
                    continue
                # a person the reference knows is the leader of their own state, not of the
                # one the report is about ("Prime Minister Abiy Ahmed" in a report on Eritrea)
                state = ent.country if ent is not None and ent.country else home
            elif dem:
                state = dem[-1].entity
                rule += "-demonym"
            elif near_dem:
                continue
            else:
                # the state of the sentence's places, else the report's ("Health Minister
                # Firass Abiad said" after the blasts "in Beirut's southern suburbs")
                state = (
                    ent.country
                    if ent is not None and ent.country
                    else self._sentence_country(s, st) or home
                )
            if not state:
                continue
            done.add((m.entity, predicate))
            obj = state
            if group == "minister":
                # "Interior Minister X" leads the interior ministry the report names, and a
                # deputy is a member of it; without one, X is a member of the state's government
                ministry = self._ministry_of(title.group("minister"), state, st)
                if ministry is not None:
                    deputy = re.search(r"\b(?:Deputy|Vice)\s*$", lead)
                    predicate = "memberOf" if deputy else "leaderOf"
                    rule = "rel.memberof.deputy-minister" if deputy else "rel.leader.minister"
                    obj = ministry
            st.add_relation(
                Claim(
                    subject=m.entity,
                    predicate=predicate,
                    object=obj,
                    evidence=s.evidence(),
                    rule=rule,
                    confidence=0.6,
                )
            )

    def _ministry_of(self, title: str, state: str, st: _State) -> str | None:
        """The ministry a minister's title names ("Interior Minister" -> the Ministry of
        Interior), among the document's entities of that state, or None."""
        word = re.match(r"(\w+)\s+Minister", title)
        kind = MINISTRY_NAMES.get(word.group(1).lower()) if word else None
        if kind is None:
            return None
        for ent in st.dm.entities.values():
            if ent.type != "GovernmentBody" or f"Ministry of {kind}" not in ent.label:
                continue
            if ent.country == state or ent.label.endswith(f" of {self._label(state, st)}"):
                return ent.id
        return None

    def _label(self, iri: str, st: _State) -> str:
        ent = st.dm.entities.get(iri) or self.r.ref.entities.get(iri.rsplit("/", 1)[-1])
        return ent.label if ent is not None else iri

    # -- templates -----------------------------------------------------------------------
    def _template(self, text: str, a: int, b: int, i: int, dm: DocMentions) -> _Sentence:
        ms = [m for m in dm.in_sentence(i) if m.entity]
        out: list[str] = []
        pos: list[int] = []
        ph: list[Mention] = []
        cur = a

        def emit(chunk: str, origin: int) -> None:
            for k, ch in enumerate(chunk):
                if ch in '"“”«»' or ch in (OPEN, CLOSE, DOPEN, DCLOSE):
                    continue
                out.append("'" if ch in "’‘" else ch)
                pos.append(origin + k - a)

        for m in ms:
            if m.start < cur:
                continue
            emit(text[cur : m.start], cur)
            token = (
                (DOPEN + str(len(ph)) + DCLOSE)
                if m.kind == "demonym"
                else (OPEN + str(len(ph)) + CLOSE)
            )
            ph.append(m)
            for ch in token:
                out.append(ch)
                pos.append(m.start - a)
            cur = m.end
        emit(text[cur:b], cur)
        tpl = "".join(out)

        # "X (X)" -> "X"
        def collapse(mt: re.Match[str]) -> str:
            x, y = int(mt.group(1)), int(mt.group(2))
            return mt.group(0) if ph[x].entity != ph[y].entity else f"{OPEN}{x}{CLOSE}"

        new = re.sub(rf"{OPEN}(\d+){CLOSE}\s*\(\s*{OPEN}(\d+){CLOSE}\s*\)", collapse, tpl)
        if new != tpl:
            tpl, pos = _realign(tpl, new, pos)
        # ranks and honorifics before a person are not part of what is said about them:
        # "led by General Mohamed Hamdan Dagalo" reads as "led by {S}"
        new = _MEMBERS_OF.sub("", _RANK.sub("", tpl))
        if new != tpl:
            tpl, pos = _realign(tpl, new, pos)
        new = re.sub(rf"\b[Tt]he (?={OPEN})", "", tpl)
        if new != tpl:
            tpl, pos = _realign(tpl, new, pos)
        s = _Sentence(i, a, b, text[a:b], tpl, ph, pos)
        bounds = [0] + [m.start() for m in _CLAUSE.finditer(tpl)] + [len(tpl)]
        s.clauses = list(pairwise(bounds))
        return s

    # -- per sentence --------------------------------------------------------------------
    def _sentence(self, s: _Sentence, st: _State) -> None:
        attributions = self._attributions(s, st)
        hedge, factor = self._hedge(s.template)
        suppressed = self._suppressed_clauses(s)
        self._statements(s, st, attributions)
        self._relations(s, st, attributions, suppressed, hedge, factor)
        touched = self._events(s, st, attributions)
        self._counts(s, st, attributions, touched)

    def _attributions(self, s: _Sentence, st: _State) -> list[_Attribution]:
        found: list[_Attribution] = []
        for cue in self.lex.attribution:
            for m in cue.rx.finditer(s.template):
                x = self._ph(s, m, "X")
                y = self._ph(s, m, "Y")
                if x and not self._fits(x[0], ["Actor"], st):
                    continue
                src = x[0].entity if x else None
                via = y[0].entity if y else None
                if cue.unnamed:
                    src, via = via, None
                if src is None:
                    continue
                if any(a.start == m.start() for a in found):
                    continue
                leads = m.start() <= 2 and not s.template.startswith(OPEN, m.start())
                opens = leads or bool(
                    re.search(r"\bthat\b|,\s*$", s.template[m.end() : m.end() + 6])
                )
                _, cb = s.clause_of(m.start())
                # "..., police said (on Saturday)(, in the latest ...)": a cue followed by no
                # more than a time and an aside speaks for the words before it
                closes = not re.search(r"\w", s.template[m.end() : cb]) or bool(
                    _TRAILING_ASIDE.match(s.template[m.end() : cb])
                )
                found.append(
                    _Attribution(src, via, cue.id, m.start(), opens, m.end(), closes, leads)
                )
        return found

    def _source_at(
        self, s: _Sentence, tpos: int, attributions: list[_Attribution]
    ) -> _Attribution | None:
        a, b = s.clause_of(tpos)
        inside = [x for x in attributions if a <= x.start < b]
        if inside:
            # a cue covers what follows it, or its whole clause when it closes the clause
            cover = [x for x in inside if x.end <= tpos or x.closes or x.leads]
            if cover:
                return cover[-1]
            return None
        openers = [x for x in attributions if x.leads and x.start <= tpos]
        if openers:
            return openers[-1]
        # "..., killed 12 people, and wounded 2,800, Health Minister Firass Abiad said.": a cue
        # that ends the sentence speaks for all of it
        enders = [
            x
            for x in attributions
            if x.closes and x.start > tpos and s.clause_of(x.start)[1] >= len(s.template.rstrip())
        ]
        if enders:
            return enders[-1]
        return None

    def _hedge(self, tpl: str) -> tuple[str | None, float]:
        low = tpl.lower()
        for word, factor in self.lex.hedges.items():
            if word == "claimed":
                continue
            if re.search(rf"\b{re.escape(word)}\b", low):
                return word, factor
        return None, 1.0

    def _unasserted_at(self, s: _Sentence, start: int, end: int, lead_up: bool = True) -> bool:
        """Whether the cue at ``start:end`` of the template is negated, modal, conditional or
        denied: its own words, and the words of its clause before it, up to the nearest
        mention or six words (so "the group, which did not exist then, attacked" is a fact
        about the attack only when the negation is out of reach)."""
        ca, _ = s.clause_of(start)
        before = s.template[ca:start]
        last_mention = max(before.rfind(CLOSE), before.rfind(DCLOSE))
        lead = before[last_mention + 1 :] if last_mention >= 0 else before
        lead = " ".join(lead.split()[-6:])
        inner = _PH.sub(" ", s.template[start:end])
        # a clause that opens with a condition or an open question governs all of it
        opener = _OPENER.match(s.template, ca, start)
        denial = bool(_DENIAL.search(before))
        if not lead_up:  # the cue's own words only ("..., an allegation Kigali rejects")
            return _unasserted(inner)
        return bool(opener) or denial or _unasserted(lead) or _unasserted(inner)

    def _suppressed_clauses(self, s: _Sentence) -> list[tuple[int, int]]:
        out = []
        low = s.template.lower()
        for a, b in s.clauses:
            seg = low[a:b]
            starts = []
            for w in self.lex.suppress:
                for mt in re.finditer(rf"\b{re.escape(w)}\b", seg):
                    # a modal in reported speech ("told Reuters that his fighters would keep
                    # resisting") holds back what is said, not the apposition before it
                    that = None
                    if w in _MODALS:
                        for t in re.finditer(r"\bthat\b", seg[: mt.start()]):
                            that = t
                    starts.append(a + that.start() if that is not None else a)
            if starts:
                out.append((min(starts), b))
        return out

    def _ph(self, s: _Sentence, m: re.Match[str], group: str) -> list[Mention]:
        try:
            g = m.group(group)
        except IndexError:
            return []
        if not g:
            return []
        rx = _DPH if group == "D" else _PH
        return [s.ph[int(k)] for k in rx.findall(g)]

    def _fits(self, m: Mention, classes: list[str], st: _State) -> bool:
        """Whether the mention's entity belongs to one of ``classes``; a capital standing for
        its state ("Kyiv rejected...") is read as the state when that fits."""
        if not classes:
            return True
        ent = st.dm.entities.get(m.entity or "")
        etype = ent.type if ent else (m.cls or "Actor")
        if any(self.o.is_a(etype, c) for c in classes):
            return True
        state = self.r.ref.capitals.get(m.entity or "")
        if state is None and ent is not None and ent.type == "Settlement" and not ent.resolved:
            # a capital the gazetteer knows ("an allegation Kigali rejects")
            from kg.gazetteer import capital_of, country_iri

            iso = capital_of(m.text)
            state = country_iri(iso) if iso else None
        if state and any(self.o.is_a("State", c) for c in classes):
            self._use_state(m, state, st)
            return True
        return False

    def _use_state(self, m: Mention, state: str, st: _State) -> None:
        ent = st.dm.entities.get(state)
        if ent is None:
            ent = st.dm.entities[state] = document_entity(self.r.entity(state.rsplit("/", 1)[-1]))
        ent.add_mention(m.text)
        m.entity, m.cls = state, "State"

    # -- relations -----------------------------------------------------------------------
    def _relations(
        self,
        s: _Sentence,
        st: _State,
        attributions: list[_Attribution],
        suppressed: list[tuple[int, int]],
        hedge: str | None,
        factor: float,
    ) -> None:
        for rule in self.lex.relations:
            for m in _overlapping(rule.rx, s.template):
                if any(a <= m.start() < b for a, b in suppressed):
                    continue
                if s.question or self._unasserted_at(s, m.start(), m.end()):
                    continue
                subs = [x for x in self._ph(s, m, "S") if self._fits(x, rule.subject, st)]
                if not subs:
                    continue
                if "D" in rule.rx.groupindex and "O" not in rule.rx.groupindex:
                    objs = self._ph(s, m, "D")
                else:
                    objs = [x for x in self._ph(s, m, "O") if self._fits(x, rule.object, st)]
                att = self._source_at(s, m.start(), attributions)
                since = self._clause_date(s, m.start(), m.end(), st) if rule.dated else None
                for sub in subs:
                    for obj in objs:
                        if not sub.entity or not obj.entity or sub.entity == obj.entity:
                            continue
                        st.add_relation(
                            Claim(
                                subject=sub.entity,
                                predicate=rule.predicate,
                                object=obj.entity,
                                source=att.source if att else None,
                                cited_by=att.cited_by if att else None,
                                evidence=s.evidence(),
                                rule=rule.id,
                                confidence=round(rule.confidence * factor, 3),
                                hedge=hedge,
                                valid_from=since,
                            )
                        )

    def _clause_date(self, s: _Sentence, tpos: int, tend: int, st: _State) -> str | None:
        """The absolute date written right at the cue: inside it, just after it ("cut ties
        with Kyiv on Sunday") or just before it ("On Sunday, Mali cut ties"), in its clause."""
        a, b = s.clause_of(tpos)
        lo = s.tpos[a] if a < len(s.tpos) else 0
        hi = s.tpos[b - 1] + 1 if 0 < b <= len(s.tpos) else len(s.text)
        start = s.tpos[tpos] if tpos < len(s.tpos) else 0
        end = s.tpos[tend - 1] + 1 if 0 < tend <= len(s.tpos) else len(s.text)
        for d in find_dates(s.text, st.report_date):
            near = start - 30 <= d.start <= end + 30
            dateline = re.match(r"^\s*[-–—]", s.text[d.end :])
            if (
                d.relation == "absolute"
                and d.value
                and lo <= d.start < hi
                and near
                and not dateline
            ):
                return d.value
        return None

    # -- statements ----------------------------------------------------------------------
    def _statements(self, s: _Sentence, st: _State, attributions: list[_Attribution]) -> None:
        if not _STATEMENT_CUE.search(s.template):
            return
        for rule in self.lex.statements:
            for m in rule.rx.finditer(s.template):
                xs = self._ph(s, m, "X")
                if not xs or not xs[0].entity or not self._fits(xs[-1], ["Actor"], st):
                    continue
                # "has not claimed", "it was not clear whether X claimed", "did X deny ...?"
                # (a denial is itself a statement: only its lead-up is checked)
                ab = next((g for g in ("about", "about2") if _group(m, g)), None)
                if ab:
                    if m.start(ab) > m.start():  # "X denied <about>"
                        cue, lead_up = (m.start(), m.start(ab)), True
                    else:  # "<about>, an allegation X rejects"
                        cue, lead_up = (m.end(ab), m.end()), False
                else:
                    cue, lead_up = (m.start(), m.end()), True
                if s.question or self._unasserted_at(s, *cue, lead_up=lead_up):
                    continue
                by = xs[-1].entity or ""
                att = self._source_at(s, m.start(), attributions)
                source = att.source if att and att.source != by else None
                claim = Claim(
                    subject=by,
                    predicate=rule.predicate,
                    evidence=s.evidence(),
                    rule=rule.id,
                    source=source,
                    cited_by=att.cited_by if att and source else None,
                    confidence=0.9,
                )
                if rule.about in ("object", "event_or_object"):
                    objs = self._ph(s, m, "O")
                    if not objs or not objs[0].entity:
                        continue
                    claim.object = objs[0].entity
                    about = _group(m, ab) if ab else None
                    if about:
                        claim.note = self._detemplate(s, about)
                    if rule.about == "event_or_object":
                        # an accusation is about the incident of its sentence when it has one
                        # ("accused the RSF of carrying out a massacre at Zamzam"); who was
                        # accused is kept in the note
                        names = ", ".join(x.text for x in objs)
                        claim.note = f"accused: {names}" + (f" ({claim.note})" if about else "")
                        st.pending_statements.append((claim, s.index))
                        continue
                elif rule.about == "text":
                    about = _group(m, ab) if ab else None
                    if not about:
                        continue
                    claim.value = _clean_about(self._detemplate(s, about))
                    # "denied any involvement", "rejected the accusations", "denied that its
                    # fighters targeted civilians": a denial of the incident under discussion
                    if rule.predicate == "denied" and _DENIES_INCIDENT.match(claim.value):
                        st.pending_statements.append((claim, s.index))
                        continue
                else:
                    st.pending_statements.append((claim, s.index))
                    continue
                st.ex.statements.append(claim)

    def _detemplate(self, s: _Sentence, frag: str) -> str:
        def name(mt: re.Match[str]) -> str:
            return s.ph[int(mt.group(1))].text

        out = _PH.sub(name, frag)
        return _DPH.sub(name, out).strip()

    # -- events --------------------------------------------------------------------------
    def _events(self, s: _Sentence, st: _State, attributions: list[_Attribution]) -> list[Event]:
        tpl = s.template
        low = tpl.lower()
        dates = find_dates(s.text, st.report_date)
        new_incident = any(w in low for w in self.lex.new_incident)
        hits: list[tuple[int, int, Trigger]] = []
        for trig, rx, phrase in self._trigger_rx:
            if phrase not in low:
                continue
            for m in rx.finditer(tpl):
                if any(a < m.end() and m.start() < b for a, b, _ in hits):
                    continue
                hits.append((m.start(), m.end(), trig))
        hits.sort(key=lambda h: h[0])
        hits = [self._pos(low, a, b, t) for a, b, t in hits]
        touched: list[Event] = []
        created: list[Event] = []
        # the last verb cue's end and its subject: "militants killed a merchant, abducted his
        # son and looted a shop": verbs in a row share their subject
        last_verb: tuple[int, list[str]] | None = None
        for a, b, trig in hits:
            ca, cb = s.clause_of(a)
            if any(h in low[ca:cb] for h in self.lex.habitual):
                continue  # "have fought the army for years": not one incident
            if s.question or (trig.pos == "verb" and self._unasserted_at(s, a, b)):
                continue  # "did not attack", "if they attack", "could attack", "Did ... attack?"
            if trig.pos == "noun":
                prev = low[:a].split()[-2:]
                if (prev and prev[-1] in self.lex.definite) or (
                    len(prev) == 2
                    and prev[-2] in self.lex.definite
                    and prev[-1].isalpha()
                    and prev[-1] not in ("a", "an", "another")
                ):
                    ref = st.back_reference(trig.type, self.o, s.text)
                    if ref is not None:
                        if ref not in touched:
                            touched.append(ref)
                        # "in the latest assault by al-Shabaab": who did the event referred to
                        by = re.match(rf"^\s+(?:[\w-]+\s+){{0,2}}?by\s+{OPEN}(\d+){CLOSE}", tpl[b:])
                        if by and not s.question:
                            agent = s.ph[int(by.group(1))]
                            if (
                                agent.entity
                                and self._is_actor(agent, st)
                                and not any(p.entity == agent.entity for p in ref.participants)
                            ):
                                ref.add_participant(
                                    Participant(
                                        agent.entity, "perpetrator", s.evidence(), "event.by-agent"
                                    )
                                )
                        continue
                    # "the ambush near Gao" with nothing before it: an event the reader
                    # is assumed to know, described here for the first time
                    indefinite = True
                else:
                    indefinite = False
                indefinite = indefinite or bool(
                    re.search(
                        r"\b(?:a|an|another|new|fresh|deadly|major)\s+(?:[\w-]+\s+){0,2}$", low[:a]
                    )
                )
                follow = re.match(r"\s+(?:on|against|by|targeting|in|at|near)\b", low[b:]) or (
                    # "clashes between the army and JNIM" (but "the 2015 accord between ..." is
                    # background)
                    self.o.family(trig.type) in _VIOLENT and re.match(r"\s+between\b", low[b:])
                )
                # "Russian forces carried out air strikes", "the army fired 122mm mortars": a
                # plural done by someone is as new as "an attack"
                done = re.search(
                    rf"{OPEN}\d+{CLOSE}\s+(?:[\w-]+\s+){{0,2}}?(?:carried\s+out|conducted|launched|"
                    rf"staged|mounted|fired|dropped)\s+(?:(?:[\w-]+|{OPEN}\d+{CLOSE})\s+){{0,3}}$",
                    tpl[max(0, a - 120) : a],
                )
                # "fighting broke out", "clashes ... took place": the noun is the event
                happened = re.match(
                    r"\s+(?:[\w-]+\s+){0,8}?(?:took place|broke out|erupted|occurred|"
                    r"continued|were reported|was reported|was held|were held|went off|"
                    r"exploded|detonated)\b",
                    low[b:],
                )
                owned = self.o.family(trig.type) in _VIOLENT and (
                    self._owner(s, tpl[max(0, a - 60) : a], st) is not None
                )
                # "two car bombs went off", "were killed in clashes": a number of violent
                # things, or bare ones the dead were killed in, are new too
                counted = self.o.family(trig.type) in _VIOLENT and re.search(
                    r"\b(?:(?:two|three|four|five|twin|several|multiple|\d+)\s+(?:[\w-]+\s+)?"
                    r"|(?:killed|died|wounded|injured|dead)\s+(?:in|during)\s+(?:heavy\s+)?)$",
                    low[:a],
                )
                if not (indefinite or follow or happened or done or owned or counted):
                    continue
            roles = self._roles(s, a, b, trig, st)
            if roles is None:
                continue
            if trig.pos == "verb":
                roles = self._shared_subject(tpl, a, roles, last_verb, trig)
                subj = [e for e, r in roles if r in ("perpetrator", "participant")]
                last_verb = (b, subj) if subj else None
            etype, roles = self._collective_roles(trig.type, roles, st)
            # "the capture of Ovidio Guzman", "captured the rebel commander X": a person taken
            # is an arrest, not a change of who holds a territory
            if etype == "TerritorialChange":
                taken = re.match(
                    rf"\s+(?:of\s+)?(?:the\s+)?(?:[\w-]+\s+){{0,3}}?{OPEN}(\d+){CLOSE}", tpl[b:]
                )
                if taken and s.ph[int(taken.group(1))].cls == "Person":
                    etype = "Arrest"
            cand = Event(
                id="",
                type=etype,
                evidence=[s.evidence()],
                rule=f"event.{trig.pos}.{slugify(trig.phrase)}",
            )
            hit_place = None
            for ent, role in roles:
                # a town, region or site is where it happened, not who took part ("struck Ras
                # Isa", "attacks in the Gulf of Aden")
                known = st.dm.entities.get(ent)
                if known is not None and not self.o.is_a(known.type, "Actor"):
                    hit_place = hit_place or ent
                    continue
                cand.add_participant(Participant(ent, role, s.evidence(), cand.rule))
            if hit_place and self.o.is_a(st.dm.entities[hit_place].type, "Place"):
                cand.place = hit_place
            self._place(
                s,
                st,
                cand,
                trigger_at=b if trig.type == "TerritorialChange" else None,
                anchor=a,
                # "shelled Tawileh town", "attacked Kakumbukumbu village": the place hit
                object_at=b
                if trig.pos == "verb" and self.o.family(trig.type) in _VIOLENT
                else None,
            )
            anchor = s.tpos[a] if a < len(s.tpos) else 0
            ca, cb = s.clause_of(a)
            lo = s.tpos[ca] if ca < len(s.tpos) else 0
            hi = s.tpos[cb - 1] + 1 if 0 < cb <= len(s.tpos) else len(s.text)
            # relative dates ("Later,") speak for the whole sentence
            near = [d for d in dates if lo <= d.start < hi or d.relation != "absolute"]
            if trig.pos == "noun":
                end = s.tpos[b - 1] + 1 if b <= len(s.tpos) else anchor
                near = [
                    d
                    for d in near
                    if d.relation != "absolute"
                    or 0 <= d.start - end <= 90
                    or 0 <= anchor - d.end <= 3
                ]
            # a date opening the sentence dates its events that have no date of their own
            # ("overnight" after it is the night of that date)
            opener = _opening_date(s.text, dates)
            if opener is not None and not any(
                d is not opener and d.relation == "absolute" and d.value and _explicit(d)
                for d in near
            ):
                near = [d for d in near if d.relation != "absolute"] + [opener]
            self._date(near, st, cand, s.text, anchor)
            att = self._source_at(s, a, attributions)
            cand.source = att.source if att else None
            merged = None if new_incident else st.merge_candidate(cand, self.o)
            if merged is not None:
                st.merge(merged, cand, self.o)
                ev = merged
            else:
                ev = st.add_event(cand)
                created.append(ev)
            self._collective_participant(ev, s, st)
            if ev not in touched:
                touched.append(ev)
            st.current = ev
        # "at that time": the sentence is about the event under discussion
        if not touched and st.current is not None:
            if any(d.relation == "same" for d in dates):
                touched.append(st.current)
            elif re.match(r"^(?:they|it|he|she|their)\b", low):
                self._place(s, st, st.current, only_if_missing=True)
        for claim, i in list(st.pending_statements):
            if i == s.index:
                if claim.object:  # event_or_object: the sentence's own incident, or the actor
                    if created or touched:
                        claim.object = (created or touched)[0].id
                    st.ex.statements.append(claim)
                    st.pending_statements.remove((claim, i))
                    continue
                target = (created or touched)[0] if created or touched else st.current
                if target is not None:
                    claim.object = target.id
                    if claim.value:  # a denial of the incident: its words become the note
                        claim.note, claim.value = str(claim.value), None
                    st.ex.statements.append(claim)
                elif claim.value:  # no incident to deny: what was denied, as written
                    st.ex.statements.append(claim)
                st.pending_statements.remove((claim, i))
        return created or touched

    _COORDINATED = re.compile(r"\s+[^,;.]{0,80}?(?:,\s+(?:and\s+)?|\s+and\s+)")

    def _shared_subject(
        self,
        tpl: str,
        a: int,
        roles: list[tuple[str, str]],
        last_verb: tuple[int, list[str]] | None,
        trig: Trigger,
    ) -> list[tuple[str, str]]:
        """A verb right after the previous verb's object ("killed a merchant, abducted his
        son") has that verb's subject, not the object, as its own."""
        if last_verb is None or not self._COORDINATED.fullmatch(tpl[last_verb[0] : a]):
            return roles
        role = "participant" if trig.type in self.lex.participatory else "perpetrator"
        out = [(e, r) for e, r in roles if r not in ("perpetrator", "participant")]
        out = [(e, r) for e, r in out if e not in last_verb[1]]
        return [(e, role) for e in last_verb[1]] + out

    # -- the notes register --------------------------------------------------------------
    _LABEL = re.compile(r"^\s*([A-Z][A-Za-z /&-]{2,40}):\s")

    def _note_event(self, st: _State, sents: list[_Sentence]) -> None:
        """A dataset note tells one event. Its label ("Property destruction: On ...", see
        ``note_labels``) types the first event; an event with no date or place of its own has
        the note's opening date and the place of its first sentence; a note in which no cue
        announced an event still tells one, of the label's type or an unknown one."""
        first = sents[0]
        label = self._LABEL.match(first.text)
        cls = self.lex.note_labels.get(label.group(1).lower()) if label else None
        opener = _opening_date(first.text, find_dates(first.text, st.report_date))
        where = Event(id="", type="Event")
        self._place(first, st, where)
        if not st.ex.events:
            ev = Event(id="", type=cls or "OtherEvent", evidence=[first.evidence()])
            ev.rule = "event.note" + (".label" if cls else "")
            if opener is None and not where.place:
                return
            subject = self._note_subject(first, st)
            kind = st.dm.collective.get(subject or "", ("", None))[0]
            if subject and cls is None and kind in ("protesters", "rioters"):
                # "protesters demanded ...": what protesters (rioters) do is a protest (riot)
                ev.type = "Protest" if kind == "protesters" else "Riot"
                ev.rule = "event.note.collective"
            if subject:
                fam = self.o.family(ev.type) or ""
                role = "perpetrator" if fam in _VIOLENT or ev.type in _DONE_TO else "participant"
                ev.add_participant(
                    Participant(subject, role, first.evidence(), "event.note.subject")
                )
            st.add_event(ev)
        elif cls is not None:
            st.ex.events[0].type = cls
        for ev in st.ex.events:
            if opener is not None and opener.value and not ev.date:
                ev.date, ev.date_precision = opener.value, opener.precision
            if not ev.place and where.place:
                ev.place, ev.country = where.place, ev.country or where.country

    # (after the opening "On <date>," and any place phrase: the first clause start followed by
    # a name and a past-tense verb)
    _SUBJECT = re.compile(
        rf",\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){{0,3}}?{OPEN}(\d+){CLOSE}(?:\s+[\w-]+){{0,2}}?"
        rf"\s+(?:[a-z]+ed|seized|stole|took|set|threw|shot|beat|held|sent|fled|made|built|began|"
        rf"fought|drove|hit|ran|left|brought|met|gave|laid|won|lost|broke|stood|kept)\b"
    )

    def _note_subject(self, s: _Sentence, st: _State) -> str | None:
        """A note's event that no cue announced: the actor who opens its first sentence after
        the date and before a past-tense verb ("Looting: On 29 April, presumed IS Sahel
        militants seized livestock"), if any."""
        for mt in self._SUBJECT.finditer(s.template[:240]):
            m = s.ph[int(mt.group(1))]
            if m.entity and self._is_actor(m, st):
                return m.entity
        return None

    # -- collective actors (loaders/text/mentions.yaml: collective, collective_roles) ------
    def _collective_roles(
        self, etype: str, roles: list[tuple[str, str]], st: _State
    ) -> tuple[str, list[tuple[str, str]]]:
        """People described plainly ("residents", kind civilians) who protest are protesters
        and who riot or attack are rioters; an attack by rioters is mob violence (a riot)."""
        kinds = self.lex.collective_roles
        if not kinds or not st.dm.collective:
            return etype, roles
        fam = self.o.family(etype) or ""
        out: list[tuple[str, str]] = []
        for ent, role in roles:
            info = st.dm.collective.get(ent)
            if info and info[0] == "civilians" and role in ("perpetrator", "participant"):
                kind = kinds.get(fam) or kinds.get(role)
                if kind:
                    guessed = ent in st.dm.collective_guessed
                    ent = self.finder.collective_iri(st.dm, kind, info[1])
                    if guessed:
                        st.dm.collective_guessed.add(ent)
            out.append((ent, role))
        rioters = kinds.get("perpetrator")
        if (
            fam in _VIOLENT
            and rioters
            and "Riot" in self.o.classes
            and any(
                role == "perpetrator" and st.dm.collective.get(ent, ("", None))[0] == rioters
                for ent, role in out
            )
        ):
            etype = "Riot"
        return etype, out

    def _collective_participant(self, ev: Event, s: _Sentence, st: _State) -> None:
        """Those who protest are protesters, whoever they are: a protest (a riot) has the
        collective protesters (rioters) of its country among its participants."""
        kind = self.lex.collective_roles.get(self.o.family(ev.type) or "")
        if not kind or not self.collective:
            return
        if any(st.dm.collective.get(p.entity, ("", None))[0] == kind for p in ev.participants):
            return
        country = st.dm.entities.get(ev.country or "")
        state = country.id if country is not None and country.type == "State" else None
        iri = self.finder.collective_iri(st.dm, kind, state or st.dm.focus_state)
        if state is None:
            st.dm.collective_guessed.add(iri)
        ev.add_participant(Participant(iri, "participant", s.evidence(), "event.collective"))

    _NOUN_BEFORE = re.compile(
        r"\b(?:a|an|the|this|that|these|those|another|its|their|his|her|our|last|first|"
        r"second|new|deadly|major|latest|recent|similar|same|previous|earlier|july|june|"
        r"[a-z]+'s)\s+(?:[\w-]+\s+){0,1}$"
    )

    def _pos(self, low: str, a: int, b: int, trig: Trigger) -> tuple[int, int, Trigger]:
        """A word that is both a noun and a verb cue ("ambush", "attack") is a noun after a
        determiner and a verb otherwise."""
        twins = [t for t in self.lex.triggers if t.phrase == trig.phrase and t.type == trig.type]
        if len(twins) < 2:
            return (a, b, trig)
        as_noun = bool(self._NOUN_BEFORE.search(low[:a]))
        want = "noun" if as_noun else "verb"
        pick = next((t for t in twins if t.pos == want), trig)
        return (a, b, pick)

    def _roles(
        self, s: _Sentence, a: int, b: int, trig: Trigger, st: _State
    ) -> list[tuple[str, str]] | None:
        tpl = s.template
        ca, cb = s.clause_of(a)
        left = tpl[ca:a]
        right = tpl[b:cb]
        roles: list[tuple[str, str]] = []
        if trig.pos == "verb":
            passive = bool(_PASSIVE.search(left))
            skel = left
            for _ in range(3):
                skel = _APPOSITIVE.sub(",", skel)
            helped = re.search(
                rf"{OPEN}(\d+){CLOSE}(?:\s+[\w-]+)?,?\s+(?:has\s+|had\s+|have\s+|who\s+)?(?:assisted|"
                rf"helped|backed|supported|aided|enabled)\s+{OPEN}(\d+){CLOSE}\s+(?:[\w-]+\s+)?(?:to\s+)?$",
                left,
                re.I,
            )
            if helped:
                sup, perp = s.ph[int(helped.group(1))], s.ph[int(helped.group(2))]
                if perp.entity and sup.entity and self._is_actor(perp, st):
                    roles += [(perp.entity, "perpetrator"), (sup.entity, "supporter")]
                    if trig.type != "TerritorialChange":
                        roles += [(t, "target") for t in self._objects(s, right, st)]
                    return roles
            left_actor = self._last_actor(s, skel, st)
            unnamed = False
            if trig.needs_actor and (passive or not left_actor):
                return None
            if trig.civil and left_actor and self._armed(left_actor, st):
                return None
            if passive and trig.active_only:
                agent = _BY_AGENT.match(right)
                named = agent and self._is_actor(s.ph[int(agent.group(1))], st)
                # notes: "a man was shot and killed" is the note's event, killer unknown (once
                # the note has an event, "one soldier was killed" is its toll)
                if not named and not (self.collective and st.current is None):
                    return None
            if trig.type in self.lex.participatory and not passive:
                if left_actor:
                    roles += [
                        (e, "participant") for e in self._with_coordinated(s, skel, left_actor, st)
                    ]
                if trig.type == "Arrest":
                    roles += [(t, "target") for t in self._objects(s, right, st)]
                return roles
            if passive:
                by = _BY_AGENT.match(right)
                if left_actor:
                    roles.append((left_actor, "target"))
                if by:
                    m = s.ph[int(by.group(1))]
                    if m.entity and self._is_actor(m, st):
                        roles.append((m.entity, "perpetrator"))
            else:
                if left_actor:
                    roles += [
                        (e, "perpetrator") for e in self._with_coordinated(s, skel, left_actor, st)
                    ]
                elif trig.active_only and not (unnamed := self._unnamed_attack(left, right, trig)):
                    return None
                tgts = self._objects(s, right, st)
                # "the army clashed with JNIM", "fought against the rebels": the other side
                with_ = re.match(r"^\s+(?:[\w-]+\s+){0,2}?(?:with|against)\s", right)
                if not tgts and with_ and self.o.family(trig.type) == "battle":
                    tgts = self._objects(s, " " + right[with_.end() :], st)
                roles += [(t, "target") for t in tgts]
                # "JNIM killed 70 people": a named killer and a count of victims is an event
                if (
                    trig.active_only
                    and not tgts
                    and not (left_actor and _VICTIM_COUNT.match(right))
                    and not (not left_actor and unnamed)
                ):
                    return None
        else:
            before = tpl[max(ca, a - 160) : a]
            helped = re.search(
                rf"{OPEN}(\d+){CLOSE}\s+(?:has\s+|had\s+)?(?:assisted|helped|backed|supported|aided)\s+"
                rf"{OPEN}(\d+){CLOSE}\s+(?:[\w-]+\s+){{0,4}}?(?:in\s+|to\s+)?(?:organi[sz]ing|organi[sz]e|"
                rf"carry(?:ing)?\s+out|conduct(?:ing)?|launch(?:ing)?|stag(?:e|ing)|mount(?:ing)?)\s+"
                rf"(?:an?\s+|the\s+)?(?:[\w-]+\s+){{0,2}}$",
                before,
                re.I,
            )
            if helped:
                sup, perp = s.ph[int(helped.group(1))], s.ph[int(helped.group(2))]
                if perp.entity:
                    roles.append((perp.entity, "perpetrator"))
                if sup.entity:
                    roles.append((sup.entity, "supporter"))
            else:
                did = re.search(
                    rf"{OPEN}(\d+){CLOSE}(?:'s)?\s+(?:[\w-]+\s+){{0,2}}?(?:(?:has|have|had)\s+)?"
                    rf"(?:organi[sz]ed|carried\s+out|conducted|launched|staged|mounted|was\s+behind|"
                    rf"were\s+behind|claimed|held|fired|dropped)?\s*(?:an?\s+|the\s+)?"
                    rf"(?:(?:[\w-]+|{OPEN}\d+{CLOSE})\s+){{0,2}}$",
                    before,
                    re.I,
                )
                # "US air strikes", "Israeli strikes", "RSF drone attacks": the name right
                # before a violent noun (a weapon's word between at most) is whose they were
                if did and re.search(
                    r"(?:organi[sz]ed|carried|conducted|launched|staged|mounted|behind|held|fired|"
                    r"dropped|'s)\s",
                    before[did.start() :],
                ):
                    m = s.ph[int(did.group(1))]
                    if m.entity and self._is_actor(m, st):
                        roles.append((m.entity, "perpetrator"))
                elif self.o.family(trig.type) in _VIOLENT and (owner := self._owner(s, before, st)):
                    roles.append((owner, "perpetrator"))  # "US air strikes"
            roles += [(e, "participant") for e in self._between(s, right, st)]
            by = re.match(rf"^\s+(?:[\w-]+\s+){{0,3}}?by\s+{OPEN}(\d+){CLOSE}", right)
            if by and s.ph[int(by.group(1))].entity and self._is_actor(s.ph[int(by.group(1))], st):
                roles.append((s.ph[int(by.group(1))].entity or "", "perpetrator"))
            on = re.match(
                rf"^\s+(?:on|against|targeting)\s+(?:[\w-]+\s+){{0,1}}?{OPEN}(\d+){CLOSE}", right
            )
            if on and s.ph[int(on.group(1))].entity and self._is_actor(s.ph[int(on.group(1))], st):
                roles.append((s.ph[int(on.group(1))].entity or "", "target"))
            elif on and self.o.family(trig.type) in _VIOLENT:
                # "strikes on Gaza": the place hit (a state is no place of an event here)
                hit = st.dm.entities.get(s.ph[int(on.group(1))].entity or "")
                if hit is not None and self.o.is_a(hit.type, "Place") and hit.type != "State":
                    roles.append((hit.id, "target"))
        for mt in re.finditer(
            rf"(?:(?:backed|supported|assisted|aided|helped|reinforced)\s+by|with\s+(?:the\s+)?"
            rf"(?:[\w-]+\s+)?(?:support|help|backing|assistance)\s+(?:of|from))\s+{OPEN}(\d+){CLOSE}",
            tpl[ca:cb],
            re.I,
        ):
            m = s.ph[int(mt.group(1))]
            if m.entity and self._is_actor(m, st) and all(m.entity != e for e, _ in roles):
                roles.append((m.entity, "supporter"))
        return roles

    @staticmethod
    def _unnamed_attack(left: str, right: str, trig: Trigger) -> bool:
        """ "Gunmen killed 14 people in Tamou", "gunmen opened fire on a plane": unnamed
        armed people and a count of victims, or a shooting cue, are an incident with no
        perpetrator to name."""
        if not _UNNAMED_KILLERS.search(left):
            return False
        shooting = trig.phrase.startswith(("opened fire", "fired ", "shot at"))
        return shooting or bool(_VICTIM_COUNT.match(right))

    def _owner(self, s: _Sentence, before: str, st: _State) -> str | None:
        """The actor whose noun cue it is ("US air strikes", "Israeli strikes"), when no article
        comes before it ("the Ras Isa strikes" refers back)."""
        mt = _OWNER.search(before)
        if not mt or re.search(
            r"\b(?:the|this|that|these|those|its|their)\s+$", before[: mt.start()], re.I
        ):
            return None
        m = s.ph[int(mt.group(1) or mt.group(2))]
        lead = s.text[max(0, m.start - s.start - 12) : max(0, m.start - s.start)]
        if m.text.lower().startswith("the ") or re.search(r"\bthe\s+$", lead, re.I):
            return None
        if m.kind == "demonym" and m.entity:  # "Israeli strikes": the state's
            return self.finder._ref_entity(st.dm, m.entity.rsplit("/", 1)[-1], m.text)
        return m.entity if m.entity and self._is_actor(m, st) else None

    # "clashes between the army and JNIM", "a clash took place between supporters of the NC
    # and supporters of the LSP": the sides, each maybe after a few words
    _BETWEEN = re.compile(
        rf"^\s+(?:[\w-]+\s+){{0,4}}?between\s+((?:(?:the\s+)?(?:[\w-]+\s+){{0,3}}?{OPEN}\d+{CLOSE}"
        rf"(?:\s+[a-z][\w-]*){{0,2}}?(?:,\s+(?:and\s+)?|\s+and\s+|\s*&\s*))+(?:the\s+)?"
        rf"(?:[\w-]+\s+){{0,3}}?{OPEN}\d+{CLOSE})"
    )

    def _between(self, s: _Sentence, right: str, st: _State) -> list[str]:
        """The actors a noun cue is between ("fighting broke out between X and Y")."""
        mt = self._BETWEEN.match(right)
        if not mt:
            return []
        out: list[str] = []
        for n in re.findall(rf"{OPEN}(\d+){CLOSE}", mt.group(1)):
            m = s.ph[int(n)]
            if m.entity and self._is_actor(m, st) and m.entity not in out:
                out.append(m.entity)
        return out if len(out) >= 2 else []

    _ARMED = ("StateForce", "ArmedGroup", "PrivateMilitaryCompany", "Militia", "MilitaryUnit")

    def _armed(self, iri: str, st: _State) -> bool:
        ent = st.dm.entities.get(iri)
        return ent is not None and any(self.o.is_a(ent.type, c) for c in self._ARMED)

    def _is_actor(self, m: Mention, st: _State) -> bool:
        ent = st.dm.entities.get(m.entity or "")
        if ent is None:
            return False
        if self.o.is_a(ent.type, "MediaOutlet"):
            return False
        return self.o.is_a(ent.type, "Actor")

    def _with_coordinated(self, s: _Sentence, frag: str, last: str, st: _State) -> list[str]:
        """The subject and the actors coordinated with it: "the CSP and jihadists from JNIM"."""
        out = [last]
        ids = [int(x) for x in _PH.findall(frag)]
        pos = [i for i in ids if s.ph[i].entity == last]
        if not pos:
            return out
        i = pos[-1]
        before = frag[: frag.rfind(f"{OPEN}{i}{CLOSE}")]
        m = re.search(
            rf"{OPEN}(\d+){CLOSE}(?:\s+[\w-]+){{0,2}}\s+and\s+(?:[\w-]+\s+|\w+-){{0,3}}$", before
        )
        if m:
            other = s.ph[int(m.group(1))]
            if other.entity and other.entity != last and self._is_actor(other, st):
                out.insert(0, other.entity)
        return out

    def _last_actor(self, s: _Sentence, frag: str, st: _State) -> str | None:
        # the subject of a verb in reported speech is after "that"; "X said that it ..." is X
        cut = list(re.finditer(r"\b(?:that|said|says|saying)\s+", frag))
        if cut:
            rest = frag[cut[-1].end() :]
            if re.match(r"^(?:it|they)\b", rest, re.I) and not _PH.search(rest):
                speaker = self._last_actor(s, frag[: cut[-1].start()], st)
                if speaker:
                    return speaker
            frag = rest
        for mt in reversed(list(_PH.finditer(frag))):
            m = s.ph[int(mt.group(1))]
            head = re.search(rf"{OPEN}(\d+){CLOSE}\s+of\s+$", frag[: mt.start()])
            if head and self._is_actor(s.ph[int(head.group(1))], st):
                return s.ph[int(head.group(1))].entity
            if re.search(r"\bof\s+$", frag[: mt.start()]):
                if self._is_actor(m, st):
                    return m.entity  # "fighters of the CSP"
                continue
            if _NOT_ACTOR_BEFORE.search(frag[: mt.start()]):
                continue
            if self._is_actor(m, st):
                return m.entity
            if self.r.ref.capitals.get(m.entity or ""):
                self._use_state(m, self.r.ref.capitals[m.entity or ""], st)
                return m.entity
        return None

    def _objects(self, s: _Sentence, right: str, st: _State) -> list[str]:
        """Actors in the object of a verb: up to the first comma, "and"-lists included."""
        frag = re.split(r",|;|\bwhile\b|\bwho\b|\bwhich\b", right[:120], maxsplit=1)[0]
        out: list[str] = []
        first = self._first_actor(s, frag, st)
        if first is None:
            return out
        out.append(first)
        for mt in _PH.finditer(frag):
            m = s.ph[int(mt.group(1))]
            if m.entity in out or not self._is_actor(m, st):
                continue
            if re.search(
                r"\b(?:and|as well as)\s+(?:[\w-]+\s+){0,3}$", frag[: mt.start()]
            ) and not re.search(r"\b(?:in|at|near|outside|by)\s+$", frag[: mt.start()]):
                out.append(m.entity or "")
        return out

    def _first_actor(self, s: _Sentence, frag: str, st: _State) -> str | None:
        for mt in _PH.finditer(frag):
            m = s.ph[int(mt.group(1))]
            if re.search(
                r"\b(?:in|at|near|outside|around|by|with|into|across|toward|towards)\s+$",
                frag[: mt.start()],
                re.I,
            ):
                continue
            if self._is_actor(m, st):
                return m.entity
        return None

    def _place(
        self,
        s: _Sentence,
        st: _State,
        ev: Event,
        only_if_missing: bool = False,
        trigger_at: int | None = None,
        anchor: int | None = None,
        object_at: int | None = None,
    ) -> None:
        preps = "|".join(re.escape(p) for p in self.lex.location_prepositions)
        best: tuple[int, str] | None = None
        for at, words in ((trigger_at, 5), (object_at, 3)):
            if at is None:
                continue
            # "recaptured the northern town of Kidal": the place taken follows the verb
            mt = re.match(rf"^\s+(?:[\w-]+\s+){{0,{words}}}?{OPEN}(\d+){CLOSE}", s.template[at:])
            if mt:
                ent = st.dm.entities.get(s.ph[int(mt.group(1))].entity or "")
                if ent is not None and self.o.is_a(ent.type, "Place") and ent.type != "State":
                    ev.place, ev.country = ent.id, ent.country or ev.country
                    return
        lo, hi = s.clause_of(anchor) if anchor is not None else (0, len(s.template))
        spans = [(lo, hi)]
        if self.register == "notes" and (lo, hi) != (0, len(s.template)):
            spans.append((0, len(s.template)))  # a note's sentence has one place
        for lo, hi in spans:
            for mt in re.finditer(
                rf"\b(?:{preps})\s+(?:[\w-]+\s+){{0,4}}?{OPEN}(\d+){CLOSE}",
                s.template[lo:hi],
                re.I,
            ):
                m = s.ph[int(mt.group(1))]
                ent = st.dm.entities.get(m.entity or "")
                if ent is not None and ent.id in st.dm.area_of:  # "in front of the Hall (X)"
                    ent = st.dm.entities.get(st.dm.area_of[ent.id])
                if ent is None or not self.o.is_a(ent.type, "Place"):
                    continue
                gap = mt.group(0)
                if re.search(r"\b(?:border|frontier)\s+with\b", gap, re.I):
                    continue
                # a settlement, then a site or an area, then a state
                rank = {"State": 1, "Settlement": 3}.get(ent.type, 2)
                # a place written with its areas ("in Gusau (Gusau, Zamfara)") is the one meant
                areas = ent.id in st.dm.located
                # (in a note, the place written with its areas comes first, whatever its kind)
                rank = (10 if self.register == "notes" and areas else 0) + 2 * rank + areas
                if best is None or rank > best[0]:
                    best = (rank, ent.id)
            if best is not None:
                break
        # notes: "..., coded to Akomoje": the place the note is coded to; else, with no
        # place after a preposition, the first place written with its areas ("targeted Ar
        # Raqw (Monabbih, Sadah)")
        coded = [m.entity for m in s.ph if m.entity in st.dm.coded]
        if coded and coded[0]:
            best = (99, coded[0])
        elif best is None and self.register == "notes":
            located = [m.entity for m in s.ph if m.entity in st.dm.located]
            if located and located[0]:
                best = (0, located[0])
        if best is None:
            return
        ent = st.dm.entities[best[1]]
        if ent.type == "State":
            if not ev.country:
                ev.country = ent.id
            return
        if only_if_missing and ev.place:
            return
        ev.place = ent.id
        ev.country = ent.country or ev.country or self._sentence_country(s, st)

    def _collective_countries(self, ex: Extraction, st: _State) -> None:
        """ "protesters in Moscow" in a note about the war in Ukraine are Russia's: a collective
        actor whose country was only the report's main one takes the country of the events it
        is in, when they all are in one other country."""
        from kg.gazetteer import country_iso

        dm = st.dm
        where: dict[str, set[str]] = {}
        for ev in ex.events:
            c = dm.entities.get(ev.country or "")
            state = ev.country if c is not None and c.type == "State" else None
            if ev.country and c is None and country_iso(ev.country):
                state = ev.country  # a reference state, from the gazetteer
            for p in ev.participants:
                if p.entity in dm.collective_guessed:
                    where.setdefault(p.entity, set()).add(state or "")
        for old, countries in where.items():
            kind, state = dm.collective[old]
            if len(countries) != 1 or "" in countries or state in countries:
                continue
            new = self.finder.collective_iri(dm, kind, countries.pop())
            for ev in ex.events:
                for p in ev.participants:
                    if p.entity == old:
                        p.entity = new
            for m in dm.mentions:
                if m.entity == old:
                    m.entity = new
                    dm.entities[new].add_mention(m.text, generic=True)

    def _sentence_country(self, s: _Sentence, st: _State) -> str | None:
        """The one country of the other places of the sentence, for a place of unknown
        country: "in Shripur locality in Aurahi municipality (Mahottari district)"; None when
        they name none or several."""
        found = set()
        for m in s.ph:
            ent = st.dm.entities.get(m.entity or "")
            if ent is not None and ent.country and ent.type in ("Settlement", "Region", "Site"):
                found.add(ent.country)
        return found.pop() if len(found) == 1 else None

    def _date(
        self, dates: list[DateMention], st: _State, ev: Event, text: str = "", anchor: int = 0
    ) -> None:
        nouns = {t.phrase for t in self.lex.triggers if t.pos == "noun"}
        dates = [
            d
            for d in dates
            if not (
                re.search(r"\bthe\s+$", text[: d.start], re.I)
                and any(text[d.end :].lower().lstrip().startswith(n) for n in nouns)
            )
            # a dateline ("BAMAKO, Nov 23 -") dates the report, not the event
            and not re.match(r"^\s*[-–—]", text[d.end :])
            # "... killed 74, the ministry said on Friday": when it was said, not when it
            # happened ("X announced on Friday that it was pulling out" dates the pull-out)
            and not (
                d.start > anchor
                and re.search(
                    r"\b(?:said|says|told\s+[\w-]+(?:\s+[\w-]+)?|announced|reported|stated|added|"
                    r"confirmed|claimed)\s+(?:on\s+)?$",
                    text[: d.start],
                )
            )
        ]
        dates = sorted(dates, key=lambda d: min(abs(d.start - anchor), abs(d.end - anchor)))
        for d in dates:
            if d.relation == "absolute" and d.value:
                ev.date, ev.date_precision = d.value, d.precision
                return
        for d in dates:
            prev = (
                (st.current.date, st.current.date_precision or "day")
                if st.current is not None and st.current.date
                else None
            )
            res = resolve_relative(d, prev)
            if res and d.relation == "later":
                ev.date, ev.date_precision = res
                return

    # -- counts --------------------------------------------------------------------------
    def _counts(
        self, s: _Sentence, st: _State, attributions: list[_Attribution], events: list[Event]
    ) -> None:
        text = s.text
        counts = find_counts(text)
        if not counts and not self._single_rx.search(text) and not _PRONOUN.search(text):
            return
        fatal: list[tuple[Count, Claim]] = []
        lex = self.lex
        verbs = "|".join(re.escape(v) for v in sorted(lex.fatality_verbs, key=len, reverse=True))
        nouns = "|".join(re.escape(v) for v in sorted(lex.fatality_nouns, key=len, reverse=True))
        leads = "|".join(re.escape(v) for v in sorted(lex.fatality_lead, key=len, reverse=True))
        right_verb = re.compile(
            rf"^\s*(?:[\w'’-]+\s+){{0,7}}?(?:(?:were|was|have been|had been|are|being|got|"
            rf"reportedly|also|all)\s+)*(?:{verbs})\b",
            re.I,
        )
        right_noun = re.compile(rf"^\s*(?:[\w'’-]+\s+){{0,2}}?(?:{nouns})\b", re.I)
        left_lead = re.compile(rf"\b(?:{leads})\s*$", re.I)
        for c in counts:
            after = text[c.number_end :]
            after_clause = re.split(r"[.;:]|,\s", after, maxsplit=1)[0]
            before = text[: c.start]
            rv = right_verb.match(after_clause)
            if (
                rv
                and re.search(r"\b(?:had|has|have)\s+(?:[a-z]+ly\s+)?\w+$", rv.group(0))
                and not re.search(r"\bbeen\b", rv.group(0))
            ) and not re.search(r"(?:died|perished|dead|lives?)$", rv.group(0)):
                rv = None  # "a few dozen of its fighters had killed ...": the killers
            is_fatal = bool(rv or right_noun.match(after_clause) or left_lead.search(before))
            if not is_fatal:
                continue
            m = re.match(
                r"^\s*((?:[\w'’-]+\s+){0,6}?)(?:were|was|have|had|are|died|killed|dead|fatalities|deaths)\b",
                after_clause,
                re.I,
            )
            what = (m.group(1) if m else "").strip() or None
            claim = self._count_claim(s, c, what, attributions, st)
            fatal.append((c, claim))
        if not fatal:
            single = self._single_victim(text, right_verb, verbs)
            if single is None:
                return
            fatal.append((single, self._count_claim(s, single, None, attributions, st)))
        # "84 Wagner fighters and 47 Malian soldiers killed": counts of groups, not totals
        for (c1, k1), (c2, k2) in pairwise(fatal):
            if re.fullmatch(r"\s*(?:[\w'’-]+\s+){1,4}(?:and|,)\s*", text[c1.number_end : c2.start]):
                k1.partial = k2.partial = True
        # elliptical counts: "..., while Reuters reported seven."
        used = {id(c) for c, _ in fatal}
        for c in counts:
            if id(c) in used:
                continue
            before = text[max(0, c.start - 40) : c.start]
            after = text[c.number_end : c.number_end + 3]
            if re.search(
                r"\b(?:reported|said|says|put it at|gave|counted|cited|estimated)\s+$", before
            ) and re.match(r"^\s*[.,;]", after or "."):
                claim = self._count_claim(s, c, fatal[0][1].count_of, attributions, st)
                fatal.append((c, claim))
                used.add(id(c))
        # breakdowns: "121 were killed: 84 Wagner fighters and 47 soldiers", "including 11 children"
        for c in counts:
            if id(c) in used:
                continue
            before = text[: c.start]
            parent = None
            for pc, pclaim in fatal:
                if pc.start < c.start and (
                    re.search(
                        r"\bincluding\s*$|\bamong them\s*$|\bof whom\s*$|\bof them\s*$", before
                    )
                    or (
                        ":" in text[pc.number_end : c.start]
                        and re.search(r"(?::|,|\band)\s*$", before)
                    )
                ):
                    parent = pclaim
            if parent is None:
                continue
            m = re.match(r"^\s*((?:[\w'’-]+\s+){0,3}?[\w'’-]+)", text[c.number_end :])
            what = m.group(1).strip() if m else None
            part = Claim(
                subject="",
                predicate="fatalities",
                value=c.value,
                qualifier=c.qualifier,
                count_of=what,
                source=parent.source,
                cited_by=parent.cited_by,
                evidence=parent.evidence,
                rule="count.breakdown",
            )
            parent.parts.append(part)
            used.add(id(c))
            # an actor named in a breakdown was among those hit
            nxt = next(
                (
                    mm
                    for mm in st.dm.in_sentence(s.index)
                    if mm.entity and c.number_end <= mm.start - s.start <= c.number_end + 40
                ),
                None,
            )
            if nxt is not None and nxt.entity and nxt.kind != "demonym" and self._is_actor(nxt, st):
                st.pending_roles.append((nxt.entity, part))
        target = events[0] if events else st.current
        if target is None:
            return
        for _, claim in fatal:
            claim.subject = target.id
            for p in claim.parts:
                p.subject = target.id
            target.fatalities.append(claim)
        for ent, _part in st.pending_roles:
            role = (
                "target"
                if any(
                    self.o.is_a(st.dm.entities[ent].type, c)
                    for c in ("StateForce", "PrivateMilitaryCompany", "ArmedGroup", "MilitaryUnit")
                )
                else "victim"
            )
            target.add_participant(Participant(ent, role, s.evidence(), "count.breakdown.role"))
        st.pending_roles.clear()

    def _single_victim(self, text: str, right_verb: re.Pattern[str], verbs: str) -> Count | None:
        """ "a man was shot and killed", "gunmen killed a villager": one dead, no number
        (``fatality_single`` in loaders/text/events.yaml)."""
        for m in self._single_rx.finditer(text):
            after = re.split(r"[.;:]|,\s", text[m.end() :], maxsplit=1)[0]
            before = text[: m.start()]
            if right_verb.match(after) or re.search(
                rf"\b(?:{verbs}|killing|shot dead|shot and killed|beat to death)\s+$", before, re.I
            ):
                a, b = m.span("art")
                return Count(a, b, m.group("art"), 1, "exact", number_end=b)
        # "... attacked the prayer leader, killing him"
        him = _PRONOUN.search(text)
        if him:
            a, b = him.span(1)
            return Count(a, b, him.group(1), 1, "exact", number_end=b)
        return None

    def _count_claim(
        self,
        s: _Sentence,
        c: Count,
        what: str | None,
        attributions: list[_Attribution],
        st: _State,
    ) -> Claim:
        tpos = _tpos(s, c.start)
        att = self._source_at(s, tpos, attributions)
        hedge, factor = self._hedge(s.template)
        return Claim(
            subject="",
            predicate="fatalities",
            value=c.value,
            qualifier=c.qualifier,
            low=c.low,
            high=c.high,
            count_of=what,
            source=att.source if att else None,
            cited_by=att.cited_by if att else None,
            evidence=s.evidence(),
            rule=f"count.{c.qualifier}",
            confidence=round(0.9 * factor, 3),
            hedge=hedge,
        )

    # -- wrap-up -------------------------------------------------------------------------
    def _finish(self, st: _State) -> None:
        ex = st.ex
        # an event with nothing known about it but its type tells an analyst nothing
        about = {c.object for c in ex.statements}
        ex.events = [
            e
            for e in ex.events
            if e.date or e.place or e.country or e.participants or e.fatalities or e.id in about
        ]
        self._collective_countries(ex, st)
        # an incident told with no date of its own, right after a dated one, is of that time
        prev = None
        for ev in ex.events:
            if ev.date is None and prev is not None and prev.date and not ev.place:
                ev.date, ev.date_precision = prev.date, prev.date_precision
            prev = ev
        doc_slug = ex.document.id.rsplit("/", 1)[-1]
        used: set[str] = set()
        for n, ev in enumerate(ex.events, 1):
            if not ev.country:
                for p in ev.participants:
                    ent = st.dm.entities.get(p.entity)
                    if ent and ent.type == "State" and p.role in ("perpetrator", "target"):
                        ev.country = ent.id
                        break
            fam = self.o.family(ev.type) or "event"
            if ev.date and ev.date_precision == "day" and ev.place:
                key = f"{fam}-{ev.place.rsplit('/', 1)[-1]}-{ev.date}"
            else:
                key = f"{doc_slug}-{n}"
            iri = self.o.entity_iri("event", key)
            while iri in used:
                iri += "-b"
            used.add(iri)
            old = ev.id
            ev.id = iri
            for c in ex.statements:
                if c.object == old:
                    c.object = iri
            for fc in ev.fatalities:
                fc.subject = iri
                for part in fc.parts:
                    part.subject = iri
        # entities: everything mentioned by a name, plus what a claim uses
        referenced = {c.subject for c in ex.relations} | {c.object for c in ex.relations}
        referenced |= {c.subject for c in ex.statements}
        referenced |= {c.source for c in ex.relations + ex.statements if c.source}
        for ev in ex.events:
            referenced |= {p.entity for p in ev.participants}
            referenced |= {ev.place or "", ev.country or ""}
            referenced |= {c.source or "" for c in ev.fatalities}
        mentioned = {m.entity for m in st.dm.mentions if m.entity and m.kind != "demonym"}
        keep = (mentioned | referenced) - {"", None}
        # a state named only by its demonym ("British Prime Minister Boris Johnson") that a
        # claim uses is the document's entity too, with the demonym as its mention
        for iri in sorted(str(k) for k in keep - set(st.dm.entities) if k):
            ref = self.r.ref.entities.get(iri.rsplit("/", 1)[-1])
            if ref is None or ref.id != iri:
                continue
            ent = st.dm.entities[iri] = document_entity(ref)
            for m in st.dm.mentions:
                if m.entity == iri:
                    ent.add_mention(m.text)
        ex.entities = [e for e in st.dm.entities.values() if e.id in keep]


@dataclass
class _State:
    ex: Extraction
    dm: DocMentions
    report_date: dt.date | None
    current: Event | None = None
    pending_statements: list[tuple[Claim, int]] = field(default_factory=list)
    pending_roles: list[tuple[str, Claim]] = field(default_factory=list)
    _seen: set[tuple[str, str, str | None, str | None]] = field(default_factory=set)

    def add_relation(self, c: Claim) -> None:
        key = (c.subject, c.predicate, c.object, c.source)
        if key in self._seen:
            return
        self._seen.add(key)
        self.ex.relations.append(c)

    def add_event(self, ev: Event) -> Event:
        ev.id = f"_:e{len(self.ex.events) + 1}"
        self.ex.events.append(ev)
        return ev

    def merge_candidate(self, cand: Event, o: Ontology) -> Event | None:
        cur = self.current
        if cur is None:
            return None
        fa, fb = o.family(cur.type), o.family(cand.type)
        # "a suicide bomber and gunmen attacked a hotel": two cues of one violent incident
        same_sentence = bool(
            cur.evidence
            and cand.evidence
            and cur.evidence[-1].sentence is not None
            and cur.evidence[-1].sentence == cand.evidence[0].sentence
        )
        if not (
            fa == fb
            or o.is_a(cur.type, cand.type)
            or o.is_a(cand.type, cur.type)
            or (same_sentence and fa in _VIOLENT and fb in _VIOLENT)
            # "The attack began when a suicide bomber blew himself up in the restaurant": a
            # violent cue with no date and no place of its own tells more of the incident
            # under discussion
            or (fa in _VIOLENT and fb in _VIOLENT and not cand.date and not cand.place)
        ):
            return None
        if (
            cur.date
            and cand.date
            and not (cur.date.startswith(cand.date) or cand.date.startswith(cur.date))
        ):
            return None
        if cur.place and cand.place and cur.place != cand.place:
            return None
        if cur.country and cand.country and cur.country != cand.country:
            return None
        a = {p.entity for p in cur.participants}
        b = {p.entity for p in cand.participants}
        if a and b and not (a & b):
            return None
        return cur

    def merge(self, into: Event, cand: Event, o: Ontology) -> None:
        if o.is_a(cand.type, into.type) and cand.type != into.type:
            into.type = cand.type
        if cand.date and (not into.date or len(cand.date) > len(into.date)):
            into.date, into.date_precision = cand.date, cand.date_precision
        into.place = into.place or cand.place
        into.country = into.country or cand.country
        for p in cand.participants:
            if not any(q.entity == p.entity for q in into.participants):
                into.add_participant(p)
        into.evidence.extend(cand.evidence)

    def back_reference(self, etype: str, o: Ontology, sentence: str) -> Event | None:
        months = re.findall(
            r"\b(January|February|March|April|May|June|July|August|September|October|"
            r"November|December)\b",
            sentence,
        )
        for ev in reversed(self.ex.events):
            fa, fb = o.family(ev.type), o.family(etype)
            if not (fa == fb or (fa in _VIOLENT and fb in _VIOLENT)):
                continue
            if months and ev.date:
                mnum = [
                    "january",
                    "february",
                    "march",
                    "april",
                    "may",
                    "june",
                    "july",
                    "august",
                    "september",
                    "october",
                    "november",
                    "december",
                ].index(months[0].lower()) + 1
                if len(ev.date) >= 7 and int(ev.date[5:7]) != mnum:
                    continue
            return ev
        return None


_PRONOUN = re.compile(r"\b(?:killing|killed|shot dead|murdered|executed)\s+(him|her)\b")


# -- sentence-opening dates ---------------------------------------------------------------
# "On 8 June 2022, in Villa Yapacani (Santa Cruz), residents staged a demonstration": a date
# that opens the sentence (after an optional label such as "Property destruction:" and a
# preposition), followed by a comma (an "(as reported)" aside may come between), sets the
# time of everything the sentence tells, however far the event cue is from it.
_OPENER_BEFORE = re.compile(
    r"^\s*(?:[A-Z][A-Za-z /&-]{0,40}:\s+)?(?:(?:on|around|about|or|between|during|in|by|"
    r"overnight|as reported|the (?:week|weekend|night|morning|evening) of|early|late)\s+)*$",
    re.I,
)
_OPENER_AFTER = re.compile(r"^\s*(?:\([^()]{0,40}\)\s*)?,")


_MONTH_RX = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d", re.I)


def _explicit(d: DateMention) -> bool:
    """A date written with a number or a month ("21 November"), not a deictic word
    ("overnight", "today") resolved against the report date."""
    return bool(_MONTH_RX.search(d.text))


def _opening_date(text: str, dates: list[DateMention]) -> DateMention | None:
    """The absolute date that opens a sentence ("On 8 June 2022, ..."), if any."""
    for d in dates:
        if d.relation != "absolute" or not d.value:
            continue
        if _OPENER_BEFORE.match(text[: d.start]) and _OPENER_AFTER.match(text[d.end :]):
            return d
        return None
    return None


def _overlapping(rx: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Every match of `rx` at each start, overlapping ones too: in "A in B, in C" the match
    "A in B" must not hide "B, in C"."""
    pos = 0
    while (m := rx.search(text, pos)) is not None:
        yield m
        pos = m.start() + 1


def _group(m: re.Match[str], name: str) -> str | None:
    try:
        return m.group(name)
    except IndexError:
        return None


def _clean_about(text: str) -> str:
    text = re.sub(
        r"^(?:the\s+)?(?:allegations?|accusations?|claims?|reports?|charges?|suggestions?)\s+"
        r"(?:regarding|about|of|that|over|concerning|on)\s+",
        "",
        text,
        flags=re.I,
    )
    text = re.sub(r"^(?:the\s+)?(?:supposed|alleged|purported)\s+", "", text, flags=re.I)
    return text.strip(" ,")


def _tpos(s: _Sentence, offset: int) -> int:
    """Template offset of a sentence offset (the first template char at or after it)."""
    for k, p in enumerate(s.tpos):
        if p >= offset:
            return k
    return len(s.template)


def _realign(old: str, new: str, pos: list[int]) -> tuple[str, list[int]]:
    """Keep the template->sentence offset map in step after a deletion-only rewrite."""
    import difflib

    out: list[int] = []
    sm = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            out.extend(pos[i1:i2])
        elif tag in ("replace", "insert"):
            base = pos[i1] if i1 < len(pos) else (pos[-1] if pos else 0)
            out.extend([base] * (j2 - j1))
    return new, out
