"""The Define step: the normative strength of each requirement, and the words in the source that decide it.

NIST's process (NIST IR 8425A; seed slides) reads each requirement's strength before consolidating them: a SHALL
of one standard and a SHOULD of another become one outcome whose strength must be chosen. :func:`define` decides a
requirement's strength from the first of these that applies, and records the basis and the phrase it used:

1. **stated** -- a strength the source states beside the text (a catalog element's strength, an ETSI Annex B
   status, a MUST/SHOULD column). It wins over anything in the text.

   * ETSI EN 303 645 Annex B: ``M`` and ``M C (n)`` -> SHALL; ``R`` and ``R C (n)`` -> SHOULD; ``O`` and
     ``O C (n)`` (optional, used by other ICS pro formas) -> MAY.
   * Keywords, in any case: ``MUST``/``SHALL``/``REQUIRED`` -> SHALL; ``MUST NOT``/``SHALL NOT``/``MAY NOT`` ->
     SHALL NOT; ``SHOULD``/``RECOMMENDED`` -> SHOULD; ``SHOULD NOT``/``NOT RECOMMENDED`` -> SHOULD NOT;
     ``MAY``/``OPTIONAL`` -> MAY; and the words ``mandatory``, ``prohibited``, ``recommended``/``recommendation``,
     ``optional``.
   * A list of keywords (``"SHOULD, MUST NOT"``, as BBF's data records every keyword of a requirement) is decided
     by its **first** entry: such lists name the principal keyword first.
   * The phrase is the stated value as written (``"M C (1)"``). A value that says none of these (``"High"``)
     is ignored and the text decides.

2. **keyword** -- RFC 2119 / RFC 8174 keywords in the text, upper case only (RFC 8174: only upper case has the
   special meaning): ``MUST``, ``MUST NOT``, ``SHALL``, ``SHALL NOT``, ``SHOULD``, ``SHOULD NOT``, ``MAY``,
   ``REQUIRED``, ``RECOMMENDED``, ``NOT RECOMMENDED``, ``OPTIONAL``. The negating word may be in any case and may
   be ``NEVER`` ("MUST not", "MUST NEVER" are SHALL NOT); ``NOT REQUIRED`` is MAY. A text with no lower-case
   letters at all (a shouted heading) is not read for keywords.

3. **verify** -- an OWASP ASVS-style requirement whose text begins "Verify that". ASVS levels are assurance
   levels, not strengths: a requirement listed at L2 is mandatory for every L2 and L3 verification, so it is
   **SHALL**, and the level is kept in the phrase (``"Verify that (L2)"``) and on the requirement for Tailor to
   choose a level. This comes before the lower-case reading because modal verbs after "Verify that" sit inside
   the clause being verified ("Verify that ... which must be enforced"), not in the requirement's main clause.

4. **lower_case** -- ETSI-style lower-case ``shall``, ``shall not``, ``should``, ``should not``, ``may``, and
   ``must``/``must not`` (as SHALL/SHALL NOT), with ``never`` as a negation like ``not``; whole words only, and
   a capitalised word counts only at the start of a sentence (so "May 2020" is a month, not a permission).
   ``can``/``cannot`` are informative (ETSI drafting rules, ISO/IEC Directives Part 2 clause 7): a text whose
   only modal is ``can`` gets basis ``lower_case`` with no strength and the phrase ``can``, so the reader sees
   why.

5. **none** -- nothing decides it: no strength.

Several keywords in one text (modes 2 and 4)
   *The strongest obligation of a main clause decides*: SHALL and SHALL NOT outrank SHOULD and SHOULD NOT, which
   outrank MAY; between equals, the first in the text wins (so a negation is its own value: "MUST NOT ... MUST"
   is SHALL NOT). The reasons:

   * "The device MUST do X and MAY do Y" is SHALL: a conforming product must do X; the MAY only grants an option
     and never loosens the obligation.
   * "If X, the device SHOULD do Y" is SHOULD: a condition limits *when* a requirement applies, not how strong it
     is (conditions are recorded apart from strength, as in ETSI's "R C (n)").
   * A keyword inside a relative clause (after ``that``, ``which``, ``who`` or ``whose`` following an earlier
     keyword) qualifies what the earlier keyword introduced, so it is not a main-clause keyword: "SHOULD use a
     challenge that MUST NOT depend on WAN access" is SHOULD, and "MAY offer SSH, which MUST be off by default"
     is MAY. The MUST binds only products that take up the option.

``may not``
   Read as SHALL NOT. Under ISO/IEC Directives Part 2 and the ETSI drafting rules, which standards follow, "may"
   expresses permission only (possibility is "can"/"might"), so "may not" withdraws permission: "passwords may
   not be shared" is a prohibition. A writer meaning "need not" should say so; ``need not`` is read as MAY
   (permission not to).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from iotprofile.catalog.vocabulary import Strength
from iotprofile.profiles.build.requirements import Requirement, StrengthBasis, StrengthFinding

__all__ = ["define", "define_all", "strength_of_stated"]

#: Obligation rank: higher decides. Negations rank with their positive form.
_RANK: dict[Strength, int] = {
    Strength.SHALL: 3,
    Strength.SHALL_NOT: 3,
    Strength.SHOULD: 2,
    Strength.SHOULD_NOT: 2,
    Strength.MAY: 1,
}

# -- stated values --------------------------------------------------------------------------------------------

_ANNEX_B = re.compile(r"^\s*(?P<status>[MRO])(?:\s*C\b.*)?\s*$")
_ANNEX_B_STRENGTH = {"M": Strength.SHALL, "R": Strength.SHOULD, "O": Strength.MAY}
#: Stated words, longest first so that "MUST NOT" is not read as "MUST".
_STATED_WORDS: tuple[tuple[str, Strength], ...] = (
    (r"must[\s_]+not", Strength.SHALL_NOT),
    (r"shall[\s_]+not", Strength.SHALL_NOT),
    (r"may[\s_]+not", Strength.SHALL_NOT),
    (r"should[\s_]+not", Strength.SHOULD_NOT),
    (r"not[\s_]+recommended", Strength.SHOULD_NOT),
    (r"must", Strength.SHALL),
    (r"shall", Strength.SHALL),
    (r"required", Strength.SHALL),
    (r"mandatory", Strength.SHALL),
    (r"prohibited", Strength.SHALL_NOT),
    (r"should", Strength.SHOULD),
    (r"recommended", Strength.SHOULD),
    (r"recommendation", Strength.SHOULD),
    (r"may", Strength.MAY),
    (r"optional", Strength.MAY),
)
_STATED = [(re.compile(rf"^\s*{pattern}\b", re.IGNORECASE), strength) for pattern, strength in _STATED_WORDS]


def strength_of_stated(value: str) -> Strength | None:
    """The strength a stated value names (``"M C (1)"``, ``"MUST NOT"``, ``"Recommended"``), or None.

    A list (``"SHOULD, MUST NOT"``) is decided by its first entry.
    """
    first = re.split(r"[,;/]", value, maxsplit=1)[0]
    annex_b = _ANNEX_B.match(first)
    if annex_b:
        return _ANNEX_B_STRENGTH[annex_b.group("status")]
    for pattern, strength in _STATED:
        if pattern.match(first):
            return strength
    return None


# -- keywords in the text -------------------------------------------------------------------------------------

_UPPER_KEYWORDS: dict[str, Strength] = {
    "MUST NOT": Strength.SHALL_NOT,
    "SHALL NOT": Strength.SHALL_NOT,
    "MAY NOT": Strength.SHALL_NOT,
    "MUST NEVER": Strength.SHALL_NOT,
    "SHALL NEVER": Strength.SHALL_NOT,
    "MAY NEVER": Strength.SHALL_NOT,
    "SHOULD NOT": Strength.SHOULD_NOT,
    "SHOULD NEVER": Strength.SHOULD_NOT,
    "NOT RECOMMENDED": Strength.SHOULD_NOT,
    # Not an RFC 2119 term, but its meaning is plain: permission not to, as "need not".
    "NOT REQUIRED": Strength.MAY,
    "MUST": Strength.SHALL,
    "SHALL": Strength.SHALL,
    "REQUIRED": Strength.SHALL,
    "SHOULD": Strength.SHOULD,
    "RECOMMENDED": Strength.SHOULD,
    "MAY": Strength.MAY,
    "OPTIONAL": Strength.MAY,
}
_LOWER_KEYWORDS: dict[str, Strength | None] = {
    "must not": Strength.SHALL_NOT,
    "shall not": Strength.SHALL_NOT,
    "may not": Strength.SHALL_NOT,
    "must never": Strength.SHALL_NOT,
    "shall never": Strength.SHALL_NOT,
    "may never": Strength.SHALL_NOT,
    "should not": Strength.SHOULD_NOT,
    "should never": Strength.SHOULD_NOT,
    "need not": Strength.MAY,
    "must": Strength.SHALL,
    "shall": Strength.SHALL,
    "should": Strength.SHOULD,
    "may": Strength.MAY,
    "cannot": None,
    "can not": None,
    "can": None,
}


def _alternation(words: Iterable[str]) -> str:
    # Longest first, and any run of spaces between words, so "MUST  NOT" is a negation and not "MUST".
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(r"\s+".join(_word(part) for part in word.split()) for word in ordered)


def _word(part: str) -> str:
    # The negation of an upper-case keyword counts in any case: "MUST not" is as much a prohibition as "MUST NOT".
    return f"(?i:{part})" if part in {"NOT", "NEVER"} else re.escape(part)


_UPPER = re.compile(rf"\b(?:{_alternation(_UPPER_KEYWORDS)})\b")
_LOWER = re.compile(rf"\b(?:{_alternation(_LOWER_KEYWORDS)})\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(?:that|which|who|whose)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?;:]\s|\n")
_SENTENCE_START = re.compile(r"(?:^|[.!?;:]|\n)[\s\"'(\-*\u2022]*$")
_VERIFY = re.compile(r"^\W*(Verify that)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Hit:
    phrase: str
    strength: Strength | None
    start: int
    end: int


def _normalise(phrase: str) -> str:
    return " ".join(phrase.split())


def _main_clause(hits: list[_Hit], text: str) -> list[_Hit]:
    """The hits not inside a relative clause that follows an earlier hit of the same sentence."""
    kept: list[_Hit] = []
    previous: _Hit | None = None
    for hit in hits:
        between = text[previous.end : hit.start] if previous is not None else ""
        same_sentence = previous is not None and not _SENTENCE_END.search(between)
        if not (same_sentence and _RELATIVE.search(between)):
            kept.append(hit)
        previous = hit
    return kept


def _decide(hits: list[_Hit], text: str) -> _Hit | None:
    """The strongest main-clause hit; the first among equals. Informative hits (``can``) only if nothing else."""
    main = _main_clause(hits, text) or hits
    normative = [hit for hit in main if hit.strength is not None]
    if not normative:
        return main[0] if main else None
    return max(normative, key=lambda hit: (_RANK[hit.strength], -hit.start) if hit.strength else (0, 0))


def _upper_hits(text: str) -> list[_Hit]:
    if not any(char.islower() for char in text):
        return []
    return [
        _Hit(match.group(), _UPPER_KEYWORDS[_normalise(match.group()).upper()], match.start(), match.end())
        for match in _UPPER.finditer(text)
    ]


def _lower_hits(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for match in _LOWER.finditer(text):
        word = match.group()
        if word.isupper() and len(word) > 1:
            continue  # upper case is RFC 2119 territory, already read; an all-capitals text is not a statement
        if not word.islower() and not (word[0].isupper() and _SENTENCE_START.search(text[: match.start()])):
            continue  # "May 2020", "Shall" mid-sentence: not a modal verb
        hits.append(_Hit(word, _LOWER_KEYWORDS[_normalise(word).lower()], match.start(), match.end()))
    return hits


def define(requirement: Requirement) -> StrengthFinding:
    """The strength of one requirement, with the basis and the source's words that decided it."""
    key = requirement.key
    stated = (requirement.stated_strength or "").strip()
    if stated:
        strength = strength_of_stated(stated)
        if strength is not None:
            return StrengthFinding(requirement=key, strength=strength, phrase=stated, basis=StrengthBasis.STATED)
    text = requirement.text
    hit = _decide(_upper_hits(text), text)
    if hit is not None:
        return StrengthFinding(requirement=key, strength=hit.strength, phrase=hit.phrase, basis=StrengthBasis.KEYWORD)
    verify = _VERIFY.match(text)
    if verify:
        level = (requirement.level or "").strip()
        phrase = f"{verify.group(1)} ({level})" if level else verify.group(1)
        return StrengthFinding(requirement=key, strength=Strength.SHALL, phrase=phrase, basis=StrengthBasis.VERIFY)
    hit = _decide(_lower_hits(text), text)
    if hit is not None:
        return StrengthFinding(
            requirement=key, strength=hit.strength, phrase=hit.phrase, basis=StrengthBasis.LOWER_CASE
        )
    return StrengthFinding(requirement=key, strength=None, phrase=None, basis=StrengthBasis.NONE)


def define_all(requirements: Iterable[Requirement]) -> dict[str, StrengthFinding]:
    """:func:`define` for each requirement, keyed by :attr:`Requirement.key`, in source order."""
    return {requirement.key: define(requirement) for requirement in requirements}
