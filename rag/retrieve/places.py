"""Countries and US states by name, for questions that ask for one ("Which state …?", "Which country …?").

A capitalised name is not enough to answer such a question: "the state's Republican Party" names a party,
"the Biden administration" a government. A sentence answers when it names a country or state, by name or
by its people's adjective ("Japanese" for Japan), other than the ones the question names itself.
"""
from __future__ import annotations

import re
from functools import lru_cache

# canonical name -> other ways an article names it (people's adjective, short forms)
COUNTRIES: dict[str, tuple[str, ...]] = {
    "afghanistan": ("afghan",), "albania": ("albanian",), "algeria": ("algerian",), "angola": ("angolan",),
    "argentina": ("argentine", "argentinian"), "armenia": ("armenian",), "australia": ("australian",),
    "austria": ("austrian",), "azerbaijan": ("azerbaijani",), "bahrain": ("bahraini",),
    "bangladesh": ("bangladeshi",), "belarus": ("belarusian",), "belgium": ("belgian",), "bolivia": ("bolivian",),
    "bosnia": ("bosnian",), "brazil": ("brazilian",), "bulgaria": ("bulgarian",), "cambodia": ("cambodian",),
    "cameroon": ("cameroonian",), "canada": ("canadian",), "chile": ("chilean",), "china": ("chinese",),
    "colombia": ("colombian",), "congo": ("congolese",), "costa rica": ("costa rican",), "croatia": ("croatian",),
    "cuba": ("cuban",), "cyprus": ("cypriot",), "czech republic": ("czech", "czechia"), "denmark": ("danish",),
    "dominican republic": ("dominican",), "ecuador": ("ecuadorian",), "egypt": ("egyptian",),
    "el salvador": ("salvadoran",), "estonia": ("estonian",), "ethiopia": ("ethiopian",), "finland": ("finnish",),
    "france": ("french",), "georgia": ("georgian",), "germany": ("german",), "ghana": ("ghanaian",),
    "greece": ("greek",), "guatemala": ("guatemalan",), "haiti": ("haitian",), "honduras": ("honduran",),
    "hong kong": (), "hungary": ("hungarian",), "iceland": ("icelandic",), "india": ("indian",),
    "indonesia": ("indonesian",), "iran": ("iranian",), "iraq": ("iraqi",), "ireland": ("irish",),
    "israel": ("israeli",), "italy": ("italian",), "jamaica": ("jamaican",), "japan": ("japanese",),
    "jordan": ("jordanian",), "kazakhstan": ("kazakh",), "kenya": ("kenyan",), "kosovo": ("kosovar",),
    "kuwait": ("kuwaiti",), "latvia": ("latvian",), "lebanon": ("lebanese",), "libya": ("libyan",),
    "lithuania": ("lithuanian",), "luxembourg": (), "malaysia": ("malaysian",), "mali": ("malian",),
    "mexico": ("mexican",), "moldova": ("moldovan",), "mongolia": ("mongolian",), "morocco": ("moroccan",),
    "mozambique": ("mozambican",), "myanmar": ("burma", "burmese"), "nepal": ("nepalese", "nepali"),
    "netherlands": ("dutch", "holland"), "new zealand": (), "nicaragua": ("nicaraguan",), "niger": ("nigerien",),
    "nigeria": ("nigerian",), "north korea": ("north korean",), "norway": ("norwegian",), "oman": ("omani",),
    "pakistan": ("pakistani",), "palestine": ("palestinian", "gaza", "west bank"), "panama": ("panamanian",),
    "paraguay": ("paraguayan",), "peru": ("peruvian",), "philippines": ("filipino", "philippine"),
    "poland": ("polish",), "portugal": ("portuguese",), "qatar": ("qatari",), "romania": ("romanian",),
    "russia": ("russian",), "rwanda": ("rwandan",), "saudi arabia": ("saudi",), "senegal": ("senegalese",),
    "serbia": ("serbian",), "singapore": ("singaporean",), "slovakia": ("slovak",), "slovenia": ("slovenian",),
    "somalia": ("somali",), "south africa": ("south african",), "south korea": ("south korean", "korea", "korean"),
    "spain": ("spanish",), "sri lanka": ("sri lankan",), "sudan": ("sudanese",), "sweden": ("swedish",),
    "switzerland": ("swiss",), "syria": ("syrian",), "taiwan": ("taiwanese",), "tanzania": ("tanzanian",),
    "thailand": ("thai",), "tunisia": ("tunisian",), "turkey": ("turkish", "turkiye", "türkiye"),
    "uganda": ("ugandan",), "ukraine": ("ukrainian",), "united arab emirates": ("uae", "emirati"),
    "united kingdom": ("uk", "britain", "british", "england", "english", "scotland", "scottish", "wales", "welsh"),
    "united states": ("us", "usa", "america", "american"), "uruguay": ("uruguayan",),
    "uzbekistan": ("uzbek",), "venezuela": ("venezuelan",), "vietnam": ("vietnamese",), "yemen": ("yemeni",),
    "zambia": ("zambian",), "zimbabwe": ("zimbabwean",),
}
US_STATES = (
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware", "florida",
    "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana", "maine",
    "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana", "nebraska",
    "nevada", "new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio",
    "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota", "tennessee", "texas",
    "utah", "vermont", "virginia", "washington", "west virginia", "wisconsin", "wyoming",
)
_STATES = frozenset(US_STATES)

# "Which state …", "what country", "which two countries", "which nation"
_ASKS = re.compile(r"\b(?:which|what)\s+(?:(?:\w+\s+){0,2})?(countr(?:y|ies)|nations?|states?)\b", re.I)
# A state named by its nickname ("the Granite State") or with the word ("Kerala state", "the state of Bavaria").
_STATE_NAMED = re.compile(r"\bthe (?:[A-Z][a-z]+ ){1,2}State\b|\bstate of [A-Z][a-z]+|"
                          r"\b(?!(?:The|This|That|Each|Every|Its|Their|Our|Any|No|One|Another|Which|What)\b)"
                          r"[A-Z][a-z]+ state\b")


def asks_for_place(question: str) -> str:
    """"state" or "country" when the question asks for one, else ""."""
    m = _ASKS.search(question)
    return "" if m is None else "state" if m.group(1).lower().startswith("state") else "country"


@lru_cache(maxsize=1)
def _alias_map() -> dict[str, str]:
    out = {s: s for s in US_STATES}
    for country, aliases in COUNTRIES.items():
        out[country] = country
        out.update({a: country for a in aliases})
    return out


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    names = sorted(_alias_map(), key=len, reverse=True)  # "new york" before "york", "south korea" before "korea"
    # capitalised as a name is ("US", "New Jersey", "Japanese"); the dotted forms "U.S." and "U.K." too
    alternatives = "|".join(re.escape(n.upper()) if len(n) <= 3 else r"[ \t]+".join(w.capitalize() for w in n.split())
                            for n in names)
    return re.compile(rf"\b(?:{alternatives}|U\.S\.(?:A\.)?|U\.K\.)s?(?![\w-])")


def places(text: str) -> set[str]:
    """The countries and US states `text` names, canonical ("united states" for "U.S." or "American")."""
    aliases = _alias_map()
    found = set()
    for m in _pattern().finditer(text):
        said = " ".join(m.group(0).lower().replace(".", "").split())
        found.add(aliases.get(said) or aliases.get(said[:-1], said))  # "Americans": the people's plural
    return found


@lru_cache(maxsize=256)
def named_by(words: frozenset[str]) -> frozenset[str]:
    """The countries and states a question names, from its lower-cased words ("us" and "americans" both
    name the United States)."""
    return frozenset(place for alias, place in _alias_map().items()
                     if all(w in words or w + "s" in words for w in alias.split()))


def names_a_place(kind: str, sentence: str, asked: frozenset[str]) -> bool:
    """Whether `sentence` names a state (`kind` "state": a US state, or one named as a state) or a country
    (`kind` "country") other than those of the question's words `asked`."""
    named = places(sentence) - named_by(asked)
    if kind == "state":
        return bool(named & _STATES) or bool(_STATE_NAMED.search(sentence))
    return bool(named & COUNTRIES.keys())
