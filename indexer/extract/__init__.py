"""Extraction: from a raw ``Record`` to an ``Item`` (language, date, dateline place,
agency, title, organizations, fingerprint).  Knows nothing of any index backend."""

from .countries import CountryNames, country_names
from .dates import ItemDate
from .fingerprint import simhash, simhash_tokens
from .item import EXTRACTOR_VERSION, ExtractError, extract, item_id, warm_up
from .orgs import Mention, Organization, Registry, registry

__all__ = ["CountryNames", "EXTRACTOR_VERSION", "ExtractError", "ItemDate", "Mention", "Organization", "Registry", "extract", "item_id",
           "country_names", "registry", "simhash", "simhash_tokens", "warm_up"]
