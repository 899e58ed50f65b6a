"""Lucene's own analysis code, run from Python through JPype (a test helper).

Debian's ``liblucene8-java`` ships Lucene 8 with the analysis-stempel module
(the code behind Elasticsearch/OpenSearch's ``polish`` analyzer).  ``chain``
builds, from the analyzer definitions prasa sends to a cluster
(``indexer.opensearch.mapping.ANALYSIS``), the same TokenStream a cluster would build, so
the parity tests check the very settings the OpenSearch backend uses.

The JVM runs in a worker process of its own (``spawn``): a JVM inside the
pytest process would make every later ``fork`` (the reindex workers) hang.
"""

from __future__ import annotations

import glob
import json
import os
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from multiprocessing import get_context

LUCENE_JARS = ("core", "analyzers-common", "analyzers-stempel")
JAVA_DIR = os.environ.get("PRASA_LUCENE_JARS", "/usr/share/java")


class LuceneMissing(RuntimeError):
    pass


def _jars() -> list[str]:
    jars = []
    for name in LUCENE_JARS:
        found = sorted(glob.glob(os.path.join(JAVA_DIR, f"lucene-{name}-8*.jar")))
        if not found:
            raise LuceneMissing(
                f"lucene-{name}-8*.jar not found in {JAVA_DIR}: install Debian's liblucene8-java "
                "(`.ci/system-deps` does) or set PRASA_LUCENE_JARS")
        jars.append(found[-1])
    return jars


@cache
def _jvm():
    import jpype
    import jpype.imports  # noqa: F401  (enables ``from org.apache... import``)

    if not jpype.isJVMStarted():
        jpype.startJVM(classpath=_jars(), convertStrings=True)
    return jpype


@cache
def _worker() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))


def _in_worker(fn, *args):
    return _worker().submit(fn, *args).result()


class LuceneChain:
    """One analyzer definition (tokenizer + filters), run by Lucene in the worker process."""

    def __init__(self, name: str, analysis: dict):
        self.key = (name, json.dumps(analysis, sort_keys=True))
        _in_worker(_build, *self.key)  # fails here, clearly, when Lucene is missing

    def tokens(self, text: str) -> dict[tuple[int, int], str]:
        """Terms by their (start, end) character offsets in ``text``."""
        return _in_worker(_tokens, *self.key, text)

    def positions(self, text: str) -> list[tuple[int, str]]:
        """``(position, term)`` of every token, positions from Lucene's position increments."""
        return _in_worker(_positions, *self.key, text)


@cache
def _chain(name: str, analysis_json: str) -> _JavaChain:
    return _JavaChain(name, json.loads(analysis_json))


def _positions(name: str, analysis_json: str, text: str) -> list[tuple[int, str]]:
    return _chain(name, analysis_json).positions(text)


def _build(name: str, analysis_json: str) -> None:
    _chain(name, analysis_json)


def _tokens(name: str, analysis_json: str, text: str) -> dict[tuple[int, int], str]:
    return _chain(name, analysis_json).tokens(text)


class _JavaChain:
    """The Lucene classes of one analyzer definition (lives in the worker process)."""

    def __init__(self, name: str, analysis: dict):
        _jvm()
        spec = analysis["analyzer"][name]
        if spec.get("tokenizer") not in ("standard", "whitespace"):
            raise ValueError(f"{name}: only the standard and whitespace tokenizers are mapped")
        self.tokenizer = spec["tokenizer"]
        self.filters = [self._filter(f, analysis.get("filter", {})) for f in spec["filter"]]
        self.char_maps = [self._char_map(analysis["char_filter"][name]) for name in spec.get("char_filter", [])]

    @staticmethod
    def _char_map(spec: dict):
        from org.apache.lucene.analysis.charfilter import NormalizeCharMap

        if spec["type"] != "mapping":
            raise ValueError(f"char filter {spec} has no Lucene mapping here")
        builder = NormalizeCharMap.Builder()
        for rule in spec["mappings"]:
            source, target = (part.strip() for part in rule.split("=>"))
            builder.add(source, target)
        return builder.build()

    @staticmethod
    def _filter(name: str, defined: dict):
        from java.util import Arrays
        from java.util.regex import Pattern
        from org.apache.lucene.analysis import CharArraySet, LowerCaseFilter, StopFilter
        from org.apache.lucene.analysis.en import EnglishPossessiveFilter
        from org.apache.lucene.analysis.miscellaneous import (
            ASCIIFoldingFilter,
            PatternKeywordMarkerFilter,
        )
        from org.apache.lucene.analysis.pl import PolishAnalyzer
        from org.apache.lucene.analysis.snowball import SnowballFilter
        from org.apache.lucene.analysis.stempel import StempelFilter, StempelStemmer
        from org.tartarus.snowball.ext import EnglishStemmer

        builtin = {
            "lowercase": LowerCaseFilter,
            "asciifolding": ASCIIFoldingFilter,
            "polish_stop": lambda ts: StopFilter(ts, PolishAnalyzer.getDefaultStopSet()),
            "polish_stem": lambda ts: StempelFilter(ts, StempelStemmer(PolishAnalyzer.getDefaultTable())),
        }
        if name in builtin:
            return builtin[name]
        spec = defined[name]
        kind = spec["type"]
        if kind in ("polish_stop", "polish_stem") and len(spec) == 1:  # the plugin's defaults
            return builtin[kind]
        if kind == "keyword_marker" and "keywords_pattern" in spec:
            pattern = Pattern.compile(spec["keywords_pattern"])
            return lambda ts: PatternKeywordMarkerFilter(ts, pattern)
        if kind == "stop":
            words = CharArraySet(Arrays.asList(list(spec["stopwords"])), False)
            return lambda ts: StopFilter(ts, words)
        if kind == "stemmer" and spec["language"] == "possessive_english":
            return EnglishPossessiveFilter
        if kind == "stemmer" and spec["language"] == "porter2":
            return lambda ts: SnowballFilter(ts, EnglishStemmer())
        if kind == "pattern_capture":
            from jpype import JArray
            from org.apache.lucene.analysis.pattern import PatternCaptureGroupTokenFilter

            patterns = JArray(Pattern)([Pattern.compile(p) for p in spec["patterns"]])
            keep = bool(spec.get("preserve_original", True))
            return lambda ts: PatternCaptureGroupTokenFilter(ts, keep, patterns)
        raise ValueError(f"filter {name!r} ({spec}) has no Lucene mapping here")

    def _stream(self, text: str):
        from java.io import StringReader
        from org.apache.lucene.analysis.charfilter import MappingCharFilter
        from org.apache.lucene.analysis.core import WhitespaceTokenizer
        from org.apache.lucene.analysis.standard import StandardTokenizer

        reader = StringReader(text)
        for char_map in self.char_maps:
            reader = MappingCharFilter(char_map, reader)
        tokenizer = WhitespaceTokenizer() if self.tokenizer == "whitespace" else StandardTokenizer()
        tokenizer.setReader(reader)
        stream = tokenizer
        for make in self.filters:
            stream = make(stream)
        return stream

    def tokens(self, text: str) -> dict[tuple[int, int], str]:
        """Terms by their (start, end) character offsets in ``text``."""
        from org.apache.lucene.analysis.tokenattributes import CharTermAttribute, OffsetAttribute

        stream = self._stream(text)
        term = stream.addAttribute(CharTermAttribute)
        offset = stream.addAttribute(OffsetAttribute)
        out = {}
        stream.reset()
        while stream.incrementToken():
            out[(int(offset.startOffset()), int(offset.endOffset()))] = str(term.toString())
        stream.end()
        stream.close()
        return out

    def positions(self, text: str) -> list[tuple[int, str]]:
        from org.apache.lucene.analysis.tokenattributes import (
            CharTermAttribute,
            PositionIncrementAttribute,
        )

        stream = self._stream(text)
        term = stream.addAttribute(CharTermAttribute)
        increment = stream.addAttribute(PositionIncrementAttribute)
        out, pos = [], -1
        stream.reset()
        while stream.incrementToken():
            pos += int(increment.getPositionIncrement())
            out.append((pos, str(term.toString())))
        stream.end()
        stream.close()
        return out


def polish_stopwords() -> set[str]:
    """Lucene's default Polish stop set (the analysis-stempel ``polish_stop``)."""
    return _in_worker(_polish_stopwords)


def stempel_raw(word: str) -> str | None:
    """Lucene's StempelStemmer on one word, no filters (None: no stem)."""
    return _in_worker(_stempel_raw, word)


def _polish_stopwords() -> set[str]:
    _jvm()
    from org.apache.lucene.analysis.pl import PolishAnalyzer

    return {str(w) if isinstance(w, str) else "".join(map(str, w))
            for w in PolishAnalyzer.getDefaultStopSet()}


def _stempel_raw(word: str) -> str | None:
    _jvm()
    from org.apache.lucene.analysis.pl import PolishAnalyzer
    from org.apache.lucene.analysis.stempel import StempelStemmer

    stem = StempelStemmer(PolishAnalyzer.getDefaultTable()).stem(word)
    return None if stem is None else str(stem.toString())


def compare(lucene: LuceneChain, analyzer, text: str, explain) -> dict[str, list]:
    """Token-by-token comparison of prasa's ``analyzer`` with ``lucene`` on ``text``.

    Tokens are aligned by character offsets.  Returns lists of
    ``(surface, lucene term, prasa term)`` under ``same``, ``explained`` (a
    difference ``explain(surface, lucene, prasa)`` accounts for, or None),
    ``stem`` (an unexplained stem difference) and ``tokenizer`` (a token
    only one side produced: the tokenizers split some strings differently).
    """
    theirs = lucene.tokens(text)
    ours = {(t.startchar, t.endchar): t.text for t in analyzer(text, chars=True)}
    out: dict[str, list] = {"same": [], "explained": [], "stem": [], "tokenizer": []}
    for span in sorted(set(theirs) | set(ours)):
        surface = text[span[0]:span[1]]
        row = (surface, theirs.get(span), ours.get(span))
        if row[1] == row[2]:
            out["same"].append(row)
        elif row[1] is None or row[2] is None:
            out["tokenizer"].append(row)
        else:
            out["explained" if explain(*row) else "stem"].append(row)
    return out
