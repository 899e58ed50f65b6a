"""The bilingual organization registry and the matcher that finds its entries in text.

Names match as token sequences with an inflection-tolerant comparison rather
than through Stempel: Stempel's stems of one name differ between case forms
(measured: narodów -> narodowić, narody -> narć, grupa -> gru, interpolu ->
interp), so stem equality would miss most inflected names.  Two tokens match
when, after lowercasing and folding diacritics, they share a prefix and differ
only in an inflectional ending or a stem-final alternation (Unia/Unii,
Rada/Radzie, Europa/Europie).  Acronyms match case-sensitively, with Polish
hyphenated endings (ONZ-u, PiS-u).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import compress, count
from pathlib import Path

from ..analysis import fold
from ..memo import Memo

_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*")
_WORD = re.Match.group  # a match's text, mapped over matches at C speed
_HYPHEN_ENDING = re.compile(r"^(?P<base>[^\W_]+)-(?P<end>[a-ząćęłńóśźż]{1,4})$")

# Folded inflectional endings, including those after a stem-final alternation
# (Rada -> Radzie, Polska -> Polsce), and English plural/possessive ones.
_ENDINGS = frozenset(
    "a u e y i o ie em om owi ach ami ow mi ze zie cie rze dze sie nie ce ci"
    " iem ego emu ej ym ych ymi iej iego iemu ich im imi ku kiem kowi ki kach kami kow s es 's ’s".split()
)


def acronym_base(word: str) -> str:
    """``ONZ-u`` -> ``ONZ``, ``OSCE's`` -> ``OSCE``; other words unchanged."""
    ending = _HYPHEN_ENDING.match(word)
    if ending:
        return ending.group("base")
    return word[:-2] if word.endswith(("'s", "’s")) else word


# Endings a name word may lose when inflected; anything longer is another word
# (Europol is not "Europy", Frontex not "Front").
_NAME_ENDINGS = frozenset(["", *"a o e y i ia ie ek ka ga ko go".split()])


@dataclass(frozen=True)
class Organization:
    """One registry entry; ``en``/``pl`` hold names, the label first."""

    id: str
    en: tuple[str, ...]
    pl: tuple[str, ...]
    acronyms: tuple[str, ...] = ()
    parent: str | None = None
    country: str | None = None  # ISO code of a national body's country
    generic: bool = False  # its names are other countries' bodies' names too

    def label(self, lang: str = "en") -> str:
        names = self.pl if lang == "pl" else self.en
        names = names or self.en or self.pl
        return names[0] if names else self.id.upper()

    def short_label(self, lang: str = "en") -> str:
        """The acronym readers of ``lang`` use (ONZ in Polish, UN in English), else the label.

        An acronym belongs to a language when its letters are, in order, initials
        of one of that language's names (OBWE: Organizacja Bezpieczeństwa i
        Współpracy w Europie); a body known by one acronym everywhere (UNODC)
        keeps it in both.
        """
        names = (self.pl if lang == "pl" else self.en) or self.en or self.pl
        for acronym in self.acronyms:
            if any(_initials_of(acronym, name) for name in names):
                return acronym
        return self.acronyms[0] if self.acronyms else self.label(lang)

    def polish_acronym(self, acronym: str) -> bool:
        """Is ``acronym`` built from the Polish names only (MTS, MFW), not the English ones?"""
        acronym = acronym_base(acronym)
        return any(_initials_of(acronym, n) for n in self.pl) and not any(
            _initials_of(acronym, n) for n in self.en)


@dataclass(frozen=True)
class Mention:
    """An organization found in text: its id and the character span."""

    org: str
    start: int
    end: int
    text: str
    acronym: bool = False  # found by an acronym (ADB), not by a name


def _initials_of(acronym: str, name: str) -> bool:
    """Are the acronym's letters, in order, initials of the name's words (first word first)?"""
    initials = "".join(w[0] for w in re.findall(r"[^\W\d_]+", name)).upper()
    letters = acronym.replace(" ", "").upper()
    if not letters or not initials.startswith(letters[0]):
        return False
    rest = iter(initials[1:])
    return all(letter in rest for letter in letters[1:])


@lru_cache(maxsize=200_000)
def _norm(token: str) -> str:
    return fold(token.lower())


def _inflected_match(text_tok: str, name_tok: str) -> bool:
    """Do two normalized tokens look like forms of one word?"""
    if text_tok == name_tok:
        return True
    if min(len(text_tok), len(name_tok)) <= 3:  # "ds", "w", "of", "ue": exact or word+ending
        return len(name_tok) == 3 and text_tok.startswith(name_tok) and text_tok[3:] in _ENDINGS
    prefix = _common_prefix(text_tok, name_tok)
    # the name word less its own ending (Rad-a, Uni-a, Związ-ek), plus another ending; a stem of
    # three letters takes a one-letter ending only (Kub-a: Kuby), or "Tony" would be Ton-ga (Tonga)
    shortest = 3 if len(name_tok) - prefix <= 1 else 4
    return prefix >= shortest and name_tok[prefix:] in _NAME_ENDINGS and text_tok[prefix:] in _ENDINGS


def _possessive(token: str) -> bool:
    """An English possessive as written (state's, states’): it ends the phrase it belongs to."""
    return token.endswith(("'s", "’s", "'S", "’S", "s'", "s’"))


def _common_prefix(a: str, b: str) -> int:
    """How many leading characters two words share (os.path.commonprefix is slower on a pair)."""
    n, i = min(len(a), len(b)), 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


@dataclass
class _Pattern:
    org: str
    words: tuple[str, ...]
    capitalized: bool  # a one-word name must be capitalized in the text


@dataclass
class Registry:
    """Organizations by id, with a matcher built once for the name patterns."""

    orgs: dict[str, Organization]
    _names: dict[str, list[_Pattern]] = field(default_factory=dict, repr=False)
    _acronyms: dict[tuple[str, ...], str] = field(default_factory=dict, repr=False)
    _acronyms_upper: dict[tuple[str, ...], str] = field(default_factory=dict, repr=False)
    _heads: set[str] = field(default_factory=set, repr=False)  # first words of acronyms
    _first: Memo = field(init=False, repr=False)  # folded word -> the name patterns it can open
    _openers: Memo = field(init=False, repr=False)  # word as written -> can a name or an acronym start with it
    _families: dict[str, frozenset[str]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._first = Memo(self._openings, 500_000)  # words repeat
        self._openers = Memo(self._starts_something, 500_000)
        for org in self.orgs.values():
            for name in {*org.en, *org.pl}:
                words = tuple(_norm(t) for t in _TOKEN.findall(name))
                if words:
                    pattern = _Pattern(org.id, words, capitalized=len(words) == 1)
                    self._names.setdefault(words[0][:3], []).append(pattern)
            for acronym in org.acronyms:
                key = tuple(_TOKEN.findall(acronym))
                self._acronyms[key] = org.id
                if len(acronym) >= 3:
                    self._acronyms_upper.setdefault(tuple(w.upper() for w in key), org.id)
                if key:
                    self._heads.update((key[0], key[0].upper()))
        for patterns in self._names.values():
            patterns.sort(key=lambda p: -len(p.words))

    def __contains__(self, org_id: str) -> bool:
        return org_id in self.orgs

    def label(self, org_id: str, lang: str = "en") -> str:
        org = self.orgs.get(org_id)
        return org.label(lang) if org else org_id

    def short_label(self, org_id: str, lang: str = "en") -> str:
        org = self.orgs.get(org_id)
        return org.short_label(lang) if org else org_id

    def is_acronym(self, word: str) -> bool:
        """Is ``word`` (one token, as written) an acronym of some entry?"""
        return (word,) in self._acronyms

    def resolve_acronym(self, acronym: str) -> str | None:
        """The entry a one-word acronym belongs to, as written (``ADB`` -> ``adb``)."""
        return self._acronyms.get((acronym,))

    def parent(self, org_id: str) -> str | None:
        org = self.orgs.get(org_id)
        return org.parent if org and org.parent in self.orgs else None

    def families(self) -> dict[str, frozenset[str]]:
        """Each organization with bodies under it: itself and all of them (UN: UNGA, UNODC, …)."""
        if self._families is None:
            family: dict[str, set[str]] = {}
            for org_id in self.orgs:
                parent = self.parent(org_id)
                seen = {org_id}
                while parent and parent not in seen:  # up the chain; a loop in the file stops here
                    family.setdefault(parent, {parent}).add(org_id)
                    seen.add(parent)
                    parent = self.parent(parent)
            self._families = {p: frozenset(members) for p, members in family.items()}
        return self._families

    def resolve(self, text: str) -> str | None:
        """The id a user means by ``text``: an id, an acronym or a name."""
        text = text.strip()
        if text.lower() in self.orgs:
            return text.lower()
        mentions = self.find(text, any_case=True)
        if len(mentions) == 1 and mentions[0].end - mentions[0].start >= len(text) - 1:
            return mentions[0].org
        return None

    def find(self, text: str, acronyms: bool = True, any_case: bool = False) -> list[Mention]:
        """All mentions in ``text``, longest match first, non-overlapping.

        ``any_case`` also matches acronyms of three or more letters typed in
        lower case ("obwe"), as users type queries.
        """
        matches = list(_TOKEN.finditer(text))
        if any_case:
            starts = range(len(matches))
        else:  # most words start no name and no acronym: screened at C speed, a dict look-up each
            starts = list(compress(count(), map(self._openers.__getitem__, map(_WORD, matches))))
            if not starts:
                return []
        tokens, normalized = _Tokens(matches), _Normalized(matches)
        found: list[Mention] = []
        after = 0  # the end of the last match: a word inside it starts nothing
        for i in starts:
            if i < after:
                continue
            length, org, by_acronym = self._match_at(tokens, normalized, i, acronyms, any_case)
            if length:
                start, end = tokens[i][1], tokens[i + length - 1][2]
                found.append(Mention(org, start, end, text[start:end], by_acronym))
                after = i + length
        return found

    def ids(self, text: str, acronyms: bool = True) -> list[str]:
        """Distinct ids mentioned in ``text``, in order of first mention."""
        return list(dict.fromkeys(m.org for m in self.find(text, acronyms)))

    def _starts_something(self, word: str) -> bool:
        """Can a name or an acronym begin with this word as written?  (Asked once per distinct word.)"""
        norm = fold(word.lower())
        if norm[:3] in self._names and self._first[norm]:
            return True
        if "-" in word or "'" in word or "’" in word:  # ONZ-u, OSCE's
            word = acronym_base(word)
        return word in self._heads

    def _openings(self, word: str) -> _Openings:
        """Name patterns whose first word ``word`` (folded) can be a form of."""
        return _Openings(p for p in self._names.get(word[:3], ()) if _inflected_match(word, p.words[0]))

    def _match_at(self, tokens, normalized, i, acronyms, any_case=False) -> tuple[int, str, bool]:
        best = (0, "", False)
        opening = self._first[normalized[i]]
        if opening.longer and i + 1 < len(tokens):
            for pattern in opening.longer.get(normalized[i + 1][:3], ()):
                n = len(pattern.words)
                if n <= best[0] or i + n > len(tokens):
                    continue
                if any(_possessive(tokens[i + k][0]) for k in range(n - 1)):
                    continue  # "the state's Department of Insurance" is not the State Department
                if all(_inflected_match(normalized[i + k], pattern.words[k]) for k in range(1, n)):
                    best = (n, pattern.org, False)
        if not best[0]:
            for pattern in opening.single:
                if not pattern.capitalized or tokens[i][0][:1].isupper():
                    best = (1, pattern.org, False)
                    break
        if acronyms:
            length, org = self._acronym_at(tokens, i, any_case)
            if length > best[0]:
                best = (length, org, True)
        return best

    def _acronym_at(self, tokens, i, any_case=False) -> tuple[int, str]:
        head = tokens[i][0]
        if head not in self._heads:
            if any_case and head.upper() in self._heads:
                pass
            elif "-" in head or "'" in head or "’" in head:  # ONZ-u, OSCE's
                head = acronym_base(head)
                if head not in self._heads:
                    return 0, ""
            else:
                return 0, ""
        for n in (2, 1):
            words = [t for t, _, _ in tokens[i : i + n]]
            if len(words) < n:
                continue
            words[-1] = acronym_base(words[-1])
            org = self._acronyms.get(tuple(words))
            if not org and any_case:
                org = self._acronyms_upper.get(tuple(w.upper() for w in words))
            if org:
                return n, org
        return 0, ""


class _Openings:
    """The name patterns one word can open: one-word names, and longer ones by the first three
    letters of their second word (two words that match share those: ``_inflected_match``)."""

    __slots__ = ("single", "longer")

    def __init__(self, patterns: Iterable[_Pattern]):
        self.single: list[_Pattern] = []
        self.longer: dict[str, list[_Pattern]] = {}
        for pattern in patterns:  # longest first, as the registry sorts them
            if len(pattern.words) == 1:
                self.single.append(pattern)
            else:
                self.longer.setdefault(pattern.words[1][:3], []).append(pattern)

    def __bool__(self) -> bool:
        return bool(self.single or self.longer)


class _Tokens:
    """``(text, start, end)`` of each token, made only for the tokens a match looks at."""

    __slots__ = ("matches",)

    def __init__(self, matches: list[re.Match]):
        self.matches = matches

    def __len__(self) -> int:
        return len(self.matches)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [(m.group(), m.start(), m.end()) for m in self.matches[i]]
        m = self.matches[i]
        return m.group(), m.start(), m.end()


class _Normalized(_Tokens):
    """The folded lowercase form of each token, made only when looked at."""

    def __getitem__(self, i):
        return _norm(self.matches[i].group())


def _read_entries(text: str) -> list[Organization]:
    data = tomllib.loads(text)
    entries = []
    for raw in data.get("org", []):
        if "id" not in raw:
            raise ValueError(f"registry entry without an id: {raw!r}")
        entries.append(
            Organization(
                id=str(raw["id"]).lower(),
                en=tuple(raw.get("en", ())),
                pl=tuple(raw.get("pl", ())),
                acronyms=tuple(raw.get("acronyms", ())),
                parent=raw.get("parent"),
                country=raw.get("country"),
                generic=bool(raw.get("generic", False)),
            )
        )
    return entries


def load_registry(extra: tuple[str, ...] = ()) -> Registry:
    """The bundled registry, extended or overridden (same id) by ``extra`` TOML files."""
    bundled = resources.files("indexer.data").joinpath("organizations.toml").read_text("utf-8")
    orgs = {o.id: o for o in _read_entries(bundled)}
    for path in extra:
        orgs.update((o.id, o) for o in _read_entries(Path(path).read_text("utf-8")))
    return Registry(orgs)


@lru_cache(maxsize=4)
def _cached_registry(extra: tuple[str, ...]) -> Registry:
    return load_registry(extra)


def registry() -> Registry:
    """The process-wide registry: bundled plus the files listed in ``PRASA_ORGS``."""
    extra = tuple(p for p in os.environ.get("PRASA_ORGS", "").split(os.pathsep) if p)
    return _cached_registry(extra)
