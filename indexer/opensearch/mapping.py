"""The OpenSearch/Elasticsearch index: settings, analyzers, mappings and documents.

The cluster holds the same fields as the Whoosh schema (``whoosh/schema.py``): each
item's text in the fields of its own language (``*_pl``, ``*_en``, ``*_xx``),
a ``folded`` sub-field for queries typed without Polish letters and for
prefixes, ``keyword`` fields for the facets and a ``date``.

Polish text is analyzed by prasa, not by the cluster: a cluster has no
Morfeusz dictionary, so ``to_source`` sends each Polish field as prasa's own
terms (``analysis.encode_terms``: one slot per position, a word's lemmas
joined by ``|``), which the ``prasa_terms`` analyzer (whitespace tokenizer and
a ``pattern_capture`` filter) indexes at the very positions prasa uses;
queries on Polish fields are encoded the same way (``search/opensearch/dsl.py``).  No
plugin is needed for Polish.  English and other languages are analyzed by the
cluster's own filters, built to mirror prasa's chains (``indexer/analysis.py``), with
the keyword marker prasa uses (acronyms such as ONZ, OBWE, NATO and tokens
with digits are never stemmed).  ``tests/test_lucene_parity.py`` runs these
very chains in Lucene and compares them token by token with prasa's.
"""

from __future__ import annotations

from ..analysis import ENGLISH_STOPWORDS, encode_terms
from ..extract import ItemDate, simhash
from ..fields import BM25_B, BM25_K1, INDEX_BODY_CHARS, field_lang
from ..items import Item

TEXT_LANGS = ("pl", "en", "xx")
# Tokens no stemmer touches, as in analysis.py: acronyms (two or more
# characters, capitals and no lowercase letter: KeywordMarkFilter's
# ``str.isupper``) and tokens with anything but letters (2021, O'Leary,
# covid19: the stemmers' ``isalpha`` guard).
UNSTEMMED_PATTERN = r"(?=.{2})\P{Ll}*\p{Lu}\P{Ll}*|.*\P{L}.*"
MAX_RESULT_WINDOW = 10_000  # the cluster's default index.max_result_window

ANALYSIS = {
    # typographic apostrophes as ASCII ones before tokenizing (analysis.ApostropheFilter)
    "char_filter": {
        "prasa_apostrophe": {"type": "mapping", "mappings": ["’ => '", "ʼ => '"]},
    },
    "filter": {
        "prasa_unstemmed": {"type": "keyword_marker", "keywords_pattern": UNSTEMMED_PATTERN},
        # a slot sent as "word|term|term" (analysis.encode_terms): its terms at one position, or its word
        "prasa_slot_terms": {"type": "pattern_capture", "patterns": ["\\|([^|]+)"], "preserve_original": False},
        "prasa_slot_word": {"type": "pattern_capture", "patterns": ["^([^|]+)"], "preserve_original": False},
        "prasa_en_possessive": {"type": "stemmer", "language": "possessive_english"},
        "prasa_en_stop": {"type": "stop", "stopwords": sorted(ENGLISH_STOPWORDS)},
        "prasa_en_stem": {"type": "stemmer", "language": "porter2"},
    },
    "normalizer": {
        "prasa_folded": {"type": "custom", "filter": ["lowercase", "asciifolding"]},
    },
    "analyzer": {
        # prasa's own Polish terms (Morfeusz lemmas, else Stempel), encoded by analysis.encode_terms
        "prasa_terms": {"type": "custom", "tokenizer": "whitespace", "filter": ["prasa_slot_terms"]},
        "prasa_words_folded": {"type": "custom", "tokenizer": "whitespace",
                               "filter": ["prasa_slot_word", "asciifolding"]},
        "prasa_english": {"type": "custom", "char_filter": ["prasa_apostrophe"], "tokenizer": "standard",
                          "filter": ["prasa_en_possessive", "prasa_unstemmed", "lowercase",
                                     "prasa_en_stop", "prasa_en_stem"]},
        "prasa_folded": {"type": "custom", "char_filter": ["prasa_apostrophe"], "tokenizer": "standard",
                         "filter": ["lowercase", "asciifolding"]},
    },
}
LANG_ANALYZER = {"pl": "prasa_terms", "en": "prasa_english", "xx": "prasa_folded"}
PRE_ANALYZED = ("pl",)  # languages whose fields hold prasa's encoded terms


def _text_field(lang: str) -> dict:
    if lang in PRE_ANALYZED:
        # the indexed words folded, searched with the words as typed (folded)
        folded = {"type": "text", "analyzer": "prasa_words_folded", "search_analyzer": "prasa_folded"}
    else:
        folded = {"type": "text", "analyzer": "prasa_folded"}
    return {"type": "text", "analyzer": LANG_ANALYZER[lang], "fields": {"folded": folded}}


def index_settings(shards: int = 1, replicas: int = 0) -> dict:
    """The body of ``PUT /<index>``: settings with the analyzers, and strict mappings."""
    properties: dict[str, dict] = {
        "id": {"type": "keyword"},
        "path": {"type": "keyword"},
        "content_hash": {"type": "keyword", "index": False},
        "item": {"type": "object", "enabled": False},  # the item as shown (not searched)
        "lang": {"type": "keyword"},
        "source": {"type": "keyword",
                   "fields": {"folded": {"type": "keyword", "normalizer": "prasa_folded"}}},
        "place": {"type": "keyword", "normalizer": "prasa_folded"},
        "orgs": {"type": "keyword"},
        "date": {"type": "date", "format": "strict_date"},
        "date_precision": {"type": "keyword"},
        "simhash": {"type": "long", "index": False},
    }
    for lang in TEXT_LANGS:
        properties[f"title_{lang}"] = _text_field(lang)
        properties[f"body_{lang}"] = _text_field(lang)
    return {
        "settings": {
            "index": {"number_of_shards": shards, "number_of_replicas": replicas,
                      "max_result_window": MAX_RESULT_WINDOW,
                      # the BM25 parameters prasa's own ranking uses (tuned on SciFact training claims)
                      "similarity": {"default": {"type": "BM25", "k1": BM25_K1, "b": BM25_B}}},
            "analysis": ANALYSIS,
        },
        "mappings": {"dynamic": "strict", "properties": properties},
    }


def signed64(value: int) -> int:
    """An unsigned 64-bit fingerprint as the signed ``long`` the cluster stores."""
    return value - (1 << 64) if value >= 1 << 63 else value


def unsigned64(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def _field_text(text: str, lang: str) -> str:
    return encode_terms(text, lang) if lang in PRE_ANALYZED else text


def to_source(item: Item) -> dict:
    """The cluster document (``_source``) of one item; the same fields as ``schema.to_document``."""
    date = ItemDate(item.date, item.date_precision)
    day = date.date
    lang = field_lang(item.language)
    body = item.body[:INDEX_BODY_CHARS]
    source = {
        "id": item.id,
        "path": item.path,
        "content_hash": item.content_hash,
        "item": item.to_dict(),
        "lang": item.language,
        "orgs": list(item.organizations),
        "date_precision": item.date_precision,
        "simhash": signed64(simhash(body)),
        f"title_{lang}": _field_text(item.title, lang),
        # the body field holds the whole item, title included, as in the Whoosh index
        f"body_{lang}": _field_text(f"{item.title}\n{body}", lang),
    }
    if item.source:
        source["source"] = item.source
    if item.place:
        source["place"] = item.place
    if day:
        source["date"] = day.isoformat()
    return source
