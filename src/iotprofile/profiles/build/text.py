"""Turning requirement and outcome texts into terms the Group and Consolidate steps compare.

Standards say the same thing in different words: "passphrase", "credential" and "PIN" are all about
authenticators; "firmware image", "software update" and "patch" about updates. Plain word overlap misses that, so
every text becomes three kinds of term:

* word stems (Snowball English stemmer), with common English and boiler-plate words dropped ("shall", "device");
* pairs of adjacent stems, which keep phrases such as "factory reset" or "default password" apart from their words;
* *concepts*: a term like ``@authenticator`` wherever one of the concept's phrases occurs. The concept lexicon is
  domain knowledge of IoT security vocabulary (written from the NIST outcome definitions and common standards
  language), not learned from any standard's mappings, so it carries over to standards the project has never seen.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from typing import Any

import snowballstemmer

#: Words that say nothing about *which* outcome a requirement serves: English function words, the normative
#: keywords (Define handles those) and words every IoT requirement uses.
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below between
    both but by can could did do does doing down during each either else etc few for from further had has have
    having he her here hers how i if in into is it its itself just least less let like made make many me more most
    much must my neither no nor not of off often on once one only or other others our out over own per same shall
    she should so some such than that the their them then there these they this those through thus to too under
    until up upon us use used uses using very via was we were what when where whether which while who whom why will
    with within without would yet you your e g i.e e.g eg ie may might need needs required requires recommended
    optional ensure ensures verify verified that's it's able allow allows allowed provide provided provides support
    supported supports iot device devices product products router routers consumer grade cpe home gateway
    manufacturer's customer's""".split()  # noqa: SIM905 (a word list reads better as text)
)

#: Concept -> phrases (regular expressions over lower-cased text). A term ``@concept`` is added per match.
CONCEPTS: dict[str, tuple[str, ...]] = {
    "authenticator": (
        r"pass(word|phrase|code)s?",
        r"credentials?",
        r"\bpins?\b",
        r"secret (key|value)s?",
    ),
    "authentication": (
        r"authenticat\w*",
        r"log ?-?in\b",
        r"logon",
        r"sign[- ]in",
        r"multi[- ]?factor",
        r"\bmfa\b",
        r"\b2fa\b",
        r"brute[- ]?force",
        r"lock ?out",
        r"session (token|management|timeout)",
    ),
    "default_credentials": (r"default (password|credential|login)s?", r"universal (default )?password", r"unique per"),
    "privilege": (r"least privilege", r"privileg\w*", r"\broot\b", r"administrat\w* (right|access|account)s?"),
    "authorization": (r"authori[sz]ation", r"access control", r"permission", r"\brbac\b", r"role[- ]based"),
    "interface_minimization": (
        r"(unused|unnecessary|not needed|debug\w*) (port|interface|service|feature|function)s?",
        r"(disable|close|remove|turn off|switch off|deactivate)\w* (all |any )?(\w+ )?(port|service|interface)s?",
        r"attack surface",
        r"\bjtag\b",
        r"\buart\b",
        r"serial console",
        r"\btelnet\b",
        r"open ports?",
        r"listening ports?",
        r"minimi[sz]\w*",
    ),
    "network_filtering": (
        r"firewall",
        r"\bwan\b",
        r"\blan\b",
        r"packet filter\w*",
        r"inbound",
        r"outbound",
        r"segment\w*",
        r"isolat\w*",
        r"port forward\w*",
        r"\bupnp\b",
        r"\bdmz\b",
        r"\bnat\b",
        r"spoof\w*",
        r"\bdos\b|denial of service",
        r"unsolicited",
    ),
    "input_validation": (
        r"input validation",
        r"validat\w* (all )?(input|data|parameter|message)s?",
        r"saniti[sz]\w*",
        r"injection",
        r"malformed",
        r"untrusted (data|input)",
        r"\bencod(e|ing)\b",
        r"escap(e|ing)",
        r"pars(e|ing|er)",
        r"deseriali[sz]\w*",
        r"buffer overflow",
        r"\bsql\b|\bnosql\b|\bqueries\b|\bquery\b",
        r"parameteri[sz]ed",
        r"\bxml\b|\bjson\b|\byaml\b",
        r"content[- ]type",
        r"file upload",
        r"cross[- ]site",
        r"\bxss\b",
        r"\bcsrf\b",
    ),
    "onboarding": (
        r"onboard\w*",
        r"pairing",
        r"commission\w*",
        r"provision\w*",
        r"enrol\w*",
        r"initial (setup|configuration|connection)",
        r"set[- ]?up",
        r"reconnect\w*",
        r"first (use|boot|start)",
    ),
    "cryptography": (
        r"crypt\w*",
        r"cipher\w*",
        r"\baes\b",
        r"\brsa\b",
        r"\becc\b|elliptic",
        r"\bsha(-?\d+)?\b",
        r"hash\w*",
        r"\bkeys?\b",
        r"key (length|size|management|storage)",
        r"algorithm",
        r"random (number|generator)",
        r"entropy",
        r"\bsalt\w*",
    ),
    "storage": (
        r"\bstor(e|ed|es|ing|age)\b",
        r"at rest",
        r"persistent",
        r"\bflash\b",
        r"non[- ]?volatile",
        r"secure element",
        r"\btpm\b",
        r"trusted execution",
        r"keystore",
        r"sensitive (data|information|parameters)",
        r"secrets?",
    ),
    "physical": (r"physical\w*", r"tamper\w*", r"enclosure", r"side[- ]channel", r"hardware (attack|protection)"),
    "web_headers": (
        r"\bheaders?\b",
        r"\bcookies?\b",
        r"\bcors\b|cross[- ]origin",
        r"content[- ]security[- ]policy|\bcsp\b",
        r"strict[- ]transport[- ]security|\bhsts\b",
        r"\borigin\b",
        r"\bbrowser\b",
    ),
    "transit": (
        r"\btls\b|\bssl\b|\bdtls\b",
        r"transport layer",
        r"in transit",
        r"\bhttps\b",
        r"\bssh\b",
        r"\bipsec\b|\bvpn\b",
        r"communicat\w*",
        r"transmi\w*",
        r"channel",
        r"certificate (validation|pinning|verification)",
        r"\bcertificates?\b",
        r"\bwpa\d?\b|wi-?fi",
        r"eavesdrop\w*",
        r"man[- ]in[- ]the[- ]middle|\bmitm\b",
    ),
    "deletion": (
        r"delet\w*",
        r"eras\w*",
        r"wip(e|ing)",
        r"remov\w* (personal|user|customer) (data|information)",
        r"data (removal|deletion|erasure)",
        r"personal (data|information)",
        r"\bprivacy\b",
    ),
    "factory_reset": (r"factory[- ](reset|default|settings)", r"reset\w*", r"restor\w*", r"secure default"),
    "configuration": (r"configur\w*", r"setting\w*", r"preferences", r"\bchange\w* (the )?(settings|configuration)"),
    "update_integrity": (
        r"(sign(ed|ature)s?|authentic\w*|integrity|verif\w*) (of )?(the )?(software|firmware|update|image|package)s?",
        r"(software|firmware|update|image|package)s? (is |are )?(sign|authentic|verif|integrity)\w*",
        r"code signing",
        r"secure boot",
        r"rollback|roll back|downgrade",
        r"anti[- ]?rollback",
    ),
    "update": (
        r"updat\w*",
        r"upgrad\w*",
        r"patch\w*",
        r"firmware",
        r"\bota\b|over[- ]the[- ]air",
        r"software (image|version|release)s?",
        r"new (software|firmware|version)",
    ),
    "update_timeliness": (
        r"automatic\w* (update|install|application)",
        r"auto[- ]?update",
        r"up[- ]to[- ]date",
        r"timely",
        r"notif\w* (of |about )?(available )?(update|patch)",
        r"check\w* for (new )?(update|software|firmware)",
        r"outdated|out of date|obsolete|vulnerable (component|version)",
    ),
    "logging": (
        r"\blog(s|ged|ging)?\b",
        r"audit\w*",
        r"syslog",
        r"event\w*",
        r"record\w*",
        r"monitor\w*",
        r"telemetry",
        r"detect\w*",
        r"anomal\w*",
        r"intrusion",
    ),
    "alerting": (r"alert\w*", r"notif\w*", r"inform\w* (the )?(user|customer|owner)", r"warn\w*", r"respond\w*"),
    "identification": (
        r"identif\w*",
        r"serial number",
        r"model (name|number)",
        r"\blabel\w*",
        r"hardware version",
        r"\bmac address",
        r"unique\w*",
    ),
    "inventory": (
        r"inventor\w*",
        r"\bs?bom\b",
        r"bill of materials?",
        r"third[- ]party (component|software|librar)\w*",
        r"open[- ]source",
        r"librar(y|ies)",
        r"dependenc\w*",
        r"component list",
        r"software components?",
    ),
    "vulnerability_reporting": (
        r"vulnerabilit\w* (disclosure|report\w*|handling|management)",
        r"disclosure polic\w*",
        r"report\w* (a |security )?(vulnerabilit|issue|bug)\w*",
        r"bug bount\w*",
        r"point of contact|contact point|security contact",
        r"security\.txt",
        r"\bpsirt\b|\bcsirt\b",
        r"researchers?",
    ),
    "vulnerability_notice": (
        r"advisor\w*",
        r"\bcves?\b",
        r"security bulletin",
        r"vulnerabilit\w*",
        r"mitigat\w*",
        r"breach\w*",
        r"incident\w*",
    ),
    "support_period": (
        r"(support|security update|maintenance) (period|term|lifetime|duration)",
        r"end[- ]of[- ](life|support)",
        r"\beo[ls]\b",
        r"defined support",
        r"minimum (length of )?(time|period)",
        r"how long",
        r"lifecycle|life cycle|lifetime",
    ),
    "user_information": (
        r"user (manual|guide|documentation|information)",
        r"instruction\w*",
        r"guidance",
        r"educat\w*",
        r"awareness",
        r"publish\w*",
        r"(make|made) (publicly )?available",
        r"purchas\w*",
        r"packaging",
        r"website",
    ),
    "documentation": (
        r"document\w*",
        r"design (document|consideration|review)",
        r"threat model\w*",
        r"risk (assessment|analysis)",
        r"assumption\w*",
        r"development (process|lifecycle)",
        r"secure development",
        r"\bsdl\b|\bsdlc\b",
        r"polic(y|ies)",
        r"process(es)?\b",
    ),
    "disposal": (r"dispos\w*", r"decommission\w*", r"resale|resell\w*", r"transfer of ownership", r"second[- ]hand"),
    "resilience": (r"resilien\w*", r"outage", r"power (loss|failure)", r"availability", r"recover\w*", r"watchdog"),
    "remote_management": (r"remote (management|access|administration)", r"\btr-?069\b", r"\bacs\b", r"\busp\b"),
}

_COMPILED = tuple(
    (f"@{name}", re.compile("|".join(f"(?:{p})" for p in patterns))) for name, patterns in CONCEPTS.items()
)
_PLAIN = str.maketrans("\u2019\u2018\u2013\u2014", "''--")
_WORD = re.compile(r"[a-z][a-z0-9]+(?:-[a-z0-9]+)*")


@cache
def _stemmer() -> Any:
    return snowballstemmer.stemmer("english")


def normalise(text: str) -> str:
    """Lower-case ``text`` with typographic quotes and dashes made plain and whitespace collapsed."""
    text = text.lower().translate(_PLAIN)
    return " ".join(text.split())


#: Stem -> the first word seen with it, to show people words rather than stems ("update", not "updat").
_SURFACE: dict[str, str] = {}


def stems(text: str) -> list[str]:
    """The stems of ``text``'s content words, in order."""
    found = [word for word in _WORD.findall(normalise(text)) if word not in STOP_WORDS and len(word) > 1]
    result: list[str] = _stemmer().stemWords(found)
    for stem, word in zip(result, found, strict=True):
        _SURFACE.setdefault(stem, word)
    return result


def readable(term: str) -> str:
    """A term as a reader wants it: words for stems (``firmware update``), concepts as they are (``@update``)."""
    if term.startswith("@"):
        return term
    return " ".join(_SURFACE.get(part, part) for part in term.split("_"))


def concepts(text: str) -> list[str]:
    """The concept terms (``@cryptography``, ...) whose phrases occur in ``text``, once per concept."""
    lowered = normalise(text)
    return [term for term, pattern in _COMPILED if pattern.search(lowered)]


def terms(text: str) -> list[str]:
    """Every term of ``text``: stems, adjacent stem pairs and concepts (the Group step's analyzer)."""
    words = stems(text)
    pairs = [f"{first}_{second}" for first, second in itertools.pairwise(words)]
    return [*words, *pairs, *concepts(text)]


def words(text: str) -> list[str]:
    """Content words as written (lower-cased, not stemmed): what reports show a reader."""
    return [word for word in _WORD.findall(normalise(text)) if word not in STOP_WORDS and len(word) > 2]


def plain_terms(text: str) -> list[str]:
    """Stems only: the analyzer of the plain TF-IDF baseline the benchmark compares against."""
    return stems(text)
