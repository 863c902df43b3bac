"""The summarizer's defaults that the bot's settings expose, as plain values.

`bot.config` reads them when it is imported, so this module imports nothing: no model module,
no numpy. Each value is explained where it is used (named beside it).
"""

from __future__ import annotations

from typing import Literal

# Word pieces of a text the sentence encoder reads (`summarizer.encoder`).
WINDOW_TOKENS = 48
# How the sentence encoder computes: "auto" uses bfloat16 on a CPU with AMX (`summarizer.encoder`).
Precision = Literal["auto", "float32", "bfloat16"]

# Where the article text goes in an instruct prompt (`summarizer.instruct`).
TEXT_SLOT = "{text}"
DEFAULT_INSTRUCT_PROMPT = (
    "Summarize this news article in three sentences. Start with its main point. Use only facts "
    f"the article states; add no names or numbers of your own.\n\n{TEXT_SLOT}"
)

# The broad categories a topic competes with (`summarizer.topics.settings`): the IPTC Media
# Topics top level (economy, business and finance split in three, as users ask for them apart;
# IPTC's "labour" named "employment", as "labour" is also a party's name and UK political stories
# sat nearer it than "politics"), and "world", the international news every general news site
# files apart (not an IPTC topic).
NEWS_CATEGORIES = (
    "arts and culture",
    "crime and law",
    "disaster and accident",
    "economy",
    "business",
    "finance",
    "education",
    "environment",
    "health",
    "human interest",
    "employment",
    "lifestyle and leisure",
    "politics",
    "religion",
    "science and technology",
    "society",
    "sport",
    "conflict and war",
    "weather",
    "world",
)
# What each of those categories covers, as a few phrases of its typical vocabulary (from the IPTC
# Media Topics definitions and their second-level topics): an article's cosine to a category is
# its best over the category's query and these phrases, and a category word asked as a topic is
# read with its category's phrases (`summarizer.topics.evidence.CategoryPhrases`). A configured
# category missing here is its name alone.
CATEGORY_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "arts and culture": (
        "arts, culture, entertainment and media",
        "film, cinema and movie stars",
        "music, concerts and albums",
        "television shows and celebrities",
        "theatre, books and literature",
        "museums, art exhibitions and cultural heritage",
    ),
    "crime and law": (
        "crime, law and justice",
        "police arrest and criminal investigation",
        "court trial, judge and prosecutors",
        "murder, theft and fraud charges",
        "prison sentence and lawyers",
    ),
    "disaster and accident": (
        "disaster, accident and emergency incident",
        "earthquake, flood and hurricane damage",
        "plane crash, fire and explosion",
        "emergency rescue and casualties",
    ),
    "economy": (
        "the economy",
        "economic growth, GDP and recession",
        "inflation, unemployment and interest rates",
        "central bank monetary policy",
        "international trade, exports and imports",
    ),
    "business": (
        "business and companies",
        "corporate earnings, profit and revenue",
        "company merger, acquisition and takeover",
        "chief executive, shareholders and board",
        "industry, retail sales and products",
    ),
    "finance": (
        "finance and financial markets",
        "stock market, shares and investors",
        "banks, loans and bonds",
        "currency exchange rates",
        "investment funds and trading",
    ),
    "education": (
        "education",
        "schools, teachers and pupils",
        "universities, students and exams",
        "education policy and curriculum",
    ),
    "environment": (
        "the environment",
        "climate change and carbon emissions",
        "pollution and conservation",
        "wildlife, forests and endangered species",
        "renewable energy and environmental policy",
    ),
    "health": (
        "health",
        "disease, illness and medical treatment",
        "hospitals, doctors and patients",
        "public health, vaccines and epidemics",
        "drugs, medicine and health care",
    ),
    "human interest": (
        "human interest stories",
        "an emotional story about ordinary people",
        "animals, pets and unusual events",
        "a heartwarming or strange personal story",
    ),
    "employment": (
        "employment and jobs",
        "workers, jobs and wages",
        "trade unions and strikes",
        "employment law and working conditions",
    ),
    "lifestyle and leisure": (
        "lifestyle and leisure",
        "travel, holidays and tourism",
        "food, cooking and restaurants",
        "fashion, beauty and shopping",
        "hobbies, home and gardening",
    ),
    "politics": (
        "politics and government",
        "elections, voters and political parties",
        "parliament, ministers and legislation",
        "president, prime minister and diplomacy",
        "political campaign and policy debate",
    ),
    "religion": (
        "religion and belief",
        "church, faith and clergy",
        "islam, christianity and religious leaders",
        "worship, pope and religious festivals",
    ),
    "science and technology": (
        "science and technology",
        "scientific research and discoveries",
        "computers, software and the internet",
        "mobile phones, gadgets and technology companies",
        "space exploration and engineering",
    ),
    "society": (
        "society and social issues",
        "poverty, welfare and inequality",
        "human rights, immigration and discrimination",
        "family, communities and demographics",
    ),
    "sport": (
        "sport",
        "football match, league and championship",
        "tennis, golf and cricket tournaments",
        "players, coaches and teams",
        "olympic games and athletes",
    ),
    "conflict and war": (
        "conflict, war and peace",
        "military attack, troops and fighting",
        "terrorism, bombing and armed groups",
        "peace talks and ceasefire",
        "protests and unrest",
    ),
    "weather": (
        "weather",
        "weather forecast, rain and temperatures",
        "storms, snow and wind",
        "heat wave and drought",
        "meteorologists and severe weather warnings",
    ),
    "world": (
        "world news",
        "international news from other countries",
        "foreign affairs and events abroad",
        "news from around the globe",
    ),
}
# Words readers write for a category beside its name: with those of the names and phrases, the
# categories' vocabulary, the words a topic of their kind is made of
# (`summarizer.topics.kinds.TopicKinds.is_category`).
CATEGORY_WORDS = ("tech", "money")
# The category whose stories a reader asks for by their sport ("football", "tennis"): each sport
# is a category of its own, judged as the sections are but competing with the other sports and
# the other sections, not with "sport" (`summarizer.topics.kinds.TopicKinds.category_reading`).
# Read as a name, "football" found 1 of BBC's 10 football stories (their reports seldom write
# the word); read as the sport category it found every sport. Each sport is its name and a few
# phrases of its vocabulary, as the categories are. "Football" is association football.
SPORTS_CATEGORY = "sport"
SPORTS: dict[str, tuple[str, ...]] = {
    "football": (
        "football match, goals and penalties",
        "football club, manager and transfer",
        "football league, cup and world cup",
    ),
    "tennis": ("tennis match, sets and grand slam", "tennis players at wimbledon and the us open"),
    "golf": ("golf tournament, course and par", "golfers at the masters and the open"),
    "cricket": ("cricket match, wickets and runs", "test cricket and one-day internationals"),
    "rugby": ("rugby union and rugby league match", "tries, scrums and the six nations"),
    "athletics": ("athletics, sprint and marathon", "track and field athletes and world records"),
    "boxing": ("boxing fight, title bout and knockout", "boxers and heavyweight champions"),
    "horse racing": ("horse racing, jockeys and trainers", "racehorses and racecourses"),
    "formula one": ("formula one grand prix, drivers and pole position", "motor racing teams"),
    "cycling": ("cycling race, riders and stages", "the tour de france"),
    "basketball": ("basketball game, points and rebounds", "the nba and basketball players"),
    "baseball": ("baseball game, innings and home runs", "major league baseball teams"),
    "american football": ("american football, the nfl and the super bowl", "quarterbacks"),
    "ice hockey": ("ice hockey game, the nhl and the stanley cup",),
    "snooker": ("snooker match, frames and breaks",),
    "swimming": ("swimming races, swimmers and pools",),
}
# Other names readers type for a sport.
SPORT_NAMES = {
    "soccer": "football",
    "f1": "formula one",
    "motor racing": "formula one",
    "track and field": "athletics",
}
