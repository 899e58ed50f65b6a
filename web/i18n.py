"""Interface strings in Polish and English, and choosing the interface language.

A facet's title lives with its definition (``search.FACETS``).
"""

from __future__ import annotations

from flask import Request

LANGS = ("en", "pl")

STRINGS = {
    "en": {
        "search": "Search", "placeholder": "Search press items in Polish and English…",
        "results": "results", "result": "result", "no_results": "No items match.",
        "tips": "Try fewer words, check the spelling, or remove a filter:",
        "did_you_mean": "Did you mean", "all_years": "All years", "sort": "Sort",
        "relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first",
        "prev": "Previous", "next": "Next", "page": "Page", "clear": "Clear filters",
        "welcome": "Search {n} press items", "examples": "For example:",
        "syntax": "Syntax: \"exact phrase\", -exclude, OR, prefix*, fuzzy~, org:OSCE, lang:en, source:PAP, date:2023, date:[2023-11-01 TO 2023-12-31]",
        "full_text": "Full text", "more_org": "More about {org}", "same_day": "Same day",
        "back": "Back to search", "cited": "citing", "undated": "no date", "no_year": "year unknown",
        "filters": "Filters", "remove": "remove", "took": "{ms} ms", "from": "From", "to": "To",
        "apply": "Apply", "unavailable": "The index is not available yet. Run `prasa reindex` first.",
        "items": "items", "open_original": "Original", "error": "Error",
        "versions": "{n} versions", "collapse": "Fold reprints", "expand": "Show reprints separately",
        "also_searched": "Also searched in the other language as:", "no_translate": "this language only",
        "translation_weight": "weight against the word's best translation, from this archive's items",
        "translate": "Also search the other language",
        "coverage": "Coverage over time", "compare": "Compare", "compare_with": "Compare with another query…",
        "interval_auto": "auto", "interval_day": "day", "interval_week": "week", "interval_month": "month",
        "interval_year": "year", "measure_count": "items", "measure_share": "share of archive",
        "chart_desc": "Matching items per {interval} ({measure}); each bar links to the search narrowed to its period.",
        "bar_label": "{period}, {query}: {count} items, {share} of the archive",
        "unplaced": "{n} undated or dated too coarsely for this chart",
        "about_organization": "Unusually frequent organizations", "about_word": "Unusually frequent words",
        "about_counts": "{count} of {counted} matches; {archive} in the archive",
        "about_note": "Against the whole archive (JLH, as Elasticsearch's significant_terms).",
        "about_note_word": "In the best {n} matches' titles and leads, against each language's items.",
        "feed": "Atom feed", "export": "Export", "newest_items": "newest items",
    },
    "pl": {
        "search": "Szukaj", "placeholder": "Szukaj w depeszach po polsku i angielsku…",
        "results": "wyników", "result": "wynik", "no_results": "Brak pasujących depesz.",
        "tips": "Spróbuj mniej słów, sprawdź pisownię albo usuń filtr:",
        "did_you_mean": "Czy chodziło o", "all_years": "Wszystkie lata", "sort": "Sortuj",
        "relevance": "Trafność", "newest": "Najnowsze", "oldest": "Najstarsze",
        "prev": "Poprzednia", "next": "Następna", "page": "Strona", "clear": "Wyczyść filtry",
        "welcome": "Przeszukaj {n} depesz", "examples": "Na przykład:",
        "syntax": "Składnia: \"dokładna fraza\", -wyklucz, OR, prefiks*, rozmyte~, organizacja:OBWE, język:pl, źródło:PAP, data:2023, data:[2023-11-01 TO 2023-12-31]",
        "full_text": "Pełny tekst", "more_org": "Więcej o: {org}", "same_day": "Tego samego dnia",
        "back": "Wróć do wyszukiwania", "cited": "za", "undated": "bez daty", "no_year": "rok nieznany",
        "filters": "Filtry", "remove": "usuń", "took": "{ms} ms", "from": "Od", "to": "Do",
        "apply": "Zastosuj", "unavailable": "Indeks nie jest jeszcze gotowy. Uruchom `prasa reindex`.",
        "items": "depesz", "open_original": "Oryginał", "error": "Błąd",
        "versions": "{n} wersje", "versions_many": "{n} wersji", "collapse": "Zwiń przedruki",
        "expand": "Pokaż przedruki osobno",
        "also_searched": "Szukano też w drugim języku jako:", "no_translate": "tylko ten język",
        "translation_weight": "waga względem najlepszego tłumaczenia słowa, z pozycji tego archiwum",
        "translate": "Szukaj też w drugim języku",
        "coverage": "Liczba depesz w czasie", "compare": "Porównaj", "compare_with": "Porównaj z innym zapytaniem…",
        "interval_auto": "auto", "interval_day": "dzień", "interval_week": "tydzień", "interval_month": "miesiąc",
        "interval_year": "rok", "measure_count": "depesze", "measure_share": "udział w archiwum",
        "chart_desc": "Pasujące depesze na {interval} ({measure}); każdy słupek prowadzi do wyników z tego okresu.",
        "bar_label": "{period}, {query}: {count} depesz, {share} archiwum",
        "unplaced": "{n} bez daty lub z datą zbyt ogólną dla tego wykresu",
        "about_organization": "Organizacje częstsze niż zwykle", "about_word": "Słowa częstsze niż zwykle",
        "about_counts": "{count} z {counted} wyników; {archive} w archiwum",
        "about_note": "Względem całego archiwum (JLH, jak significant_terms w Elasticsearch).",
        "about_note_word": "W tytułach i leadach {n} najlepszych wyników, względem pozycji w danym języku.",
        "feed": "Kanał Atom", "export": "Eksport", "newest_items": "najnowsze depesze",
    },
}


def ui_language(request: Request) -> str:
    """``?ui=`` first, then the browser's Accept-Language, then English."""
    chosen = request.args.get("ui")
    if chosen in LANGS:
        return chosen
    return request.accept_languages.best_match(LANGS, default="en") or "en"


def translator(lang: str):
    table = STRINGS[lang]

    def t(key: str, **values) -> str:
        text = table.get(key, STRINGS["en"].get(key, key))
        return text.format(**values) if values else text

    return t
