"""Topic queries for the Polish retrieval benchmark, written for prasa as a user would type them.

Each topic of ../shared/corpus/pl-news-bsnlp.jsonl.gz gets queries in varied
inflected forms; an item is relevant when its ``topic`` is the query's topic.
"""

TOPIC_QUERIES = {
    "brexit": [
        "wyjście Wielkiej Brytanii z Unii",
        "brexitu umowa Theresy May",
        "referendum w sprawie brexitu",
        "negocjacje Londynu z Brukselą",
        "głosowanie w Izbie Gmin nad umową",
        "twardy brexit granica irlandzka",
    ],
    "nord_stream": [
        "gazociąg Nord Stream 2",
        "budowa gazociągu po dnie Bałtyku",
        "rosyjski gaz dla Niemiec",
        "sankcje na gazociąg Gazpromu",
        "dostawy gazu z Rosji do Europy",
        "bezpieczeństwo energetyczne a gazociągi",
    ],
    "ryanair": [
        "strajk pilotów Ryanaira",
        "tanie linie lotnicze odwołane loty",
        "Ryanair odszkodowania dla pasażerów",
        "przewoźnik lotniczy z Irlandii",
        "protest załóg tanich linii",
        "odwołanych lotów i opóźnień",
    ],
    "asia_bibi": [
        "Asia Bibi uniewinniona",
        "chrześcijanka skazana za bluźnierstwo",
        "wyrok śmierci w Pakistanie",
        "protesty islamistów po wyroku sądu",
        "prawo o bluźnierstwie w Pakistanie",
        "azyl dla Asii Bibi",
    ],
    "covid-19": [
        "pandemia koronawirusa",
        "szczepionki przeciw COVID-19",
        "zakażeń koronawirusem w Polsce",
        "obostrzenia i lockdown",
        "epidemia w szpitalach",
        "maseczki i kwarantanna",
    ],
    "us_election_2020": [
        "wybory prezydenckie w USA 2020",
        "Joe Biden wygrał wybory",
        "głosowanie korespondencyjne w Stanach",
        "liczenie głosów w stanach wahających się",
        "kandydat demokratów na prezydenta",
        "wyniki wyborów w Ameryce",
    ],
    "trump": [
        "Donald Trump prezydent",
        "polityka Trumpa wobec Chin",
        "administracja Białego Domu",
        "impeachment prezydenta Stanów Zjednoczonych",
        "wpisy Trumpa na Twitterze",
        "spotkanie Trumpa z przywódcą",
    ],
    "ec": [
        "Komisja Europejska",
        "przewodnicząca Komisji Europejskiej",
        "komisarz unijny",
        "decyzja Komisji w sprawie Polski",
        "unijne instytucje w Brukseli",
        "budżet Unii i fundusze",
    ],
}
