"""Abbreviation tables for the sentence splitter, per language (lower-case, without the final dot).

TITLES precede a name or a number and never end a sentence (`Sr. Reid`, `St. Louis`, `No. 5`).
ENDINGS may end a sentence (`EE. UU.`, `etc.`, `Inc.`, `Jr.`): they end one only when a capitalised
word follows that is not one of the language's CONTINUATIONS (weekdays, months, time zones)."""

COMMON_TITLES = {"dr", "dra", "prof", "st", "mt", "ft", "gen", "lt", "col", "capt", "sgt", "cf", "vs", "ca", "approx",
                 "e.g", "i.e", "ee"}

# Abbreviations that stand before a number (`No. 5`, `vol. 2`); before a word they are words.
NUMBERED = {"no", "nos", "nr", "núm", "n", "pp", "p", "vol", "art", "fig", "cap", "pág", "págs", "pag", "s"}

TITLES = {
    "en": COMMON_TITLES | {"mr", "mrs", "ms", "messrs", "rev", "gov", "sen", "rep", "pres", "hon", "sr", "jr.,",
                           "adm", "maj", "cmdr", "supt", "det", "insp", "ave", "blvd", "rd", "dept", "univ", "est"},
    "es": COMMON_TITLES | {"sr", "sra", "srta", "sres", "dña", "d", "da", "ud", "uds", "lic", "ing", "arq", "gral",
                           "excmo", "excma", "ilmo", "sto", "sta", "pág", "págs", "núm", "tel", "av", "avda",
                           "c", "p.ej", "aprox", "dpto", "depto", "ej", "cía", "admón"},
    "pt": COMMON_TITLES | {"sr", "sra", "srta", "dr", "dra", "eng", "prof", "profa", "pág", "núm", "tel", "av",
                           "aprox", "ex", "p.ex", "v.ex", "exmo", "exma"},
    "fr": COMMON_TITLES | {"m", "mm", "mme", "mmes", "mlle", "mgr", "me", "pr", "st", "ste", "av", "bd", "boul",
                           "env", "p.ex", "cf", "tél", "éd"},
    "de": COMMON_TITLES | {"hr", "hrn", "fr", "frl", "z.b", "u.a", "d.h", "bzw", "vgl", "ggf", "evtl", "ca", "nr",
                           "str", "inkl", "zzgl", "s", "bd", "abs", "u.ä", "sog", "z.t", "o.ä"},
    "it": COMMON_TITLES | {"sig", "sigg", "sig.ra", "dott", "dott.ssa", "ing", "avv", "prof.ssa", "on", "sen", "geom",
                           "rag", "arch", "pag", "tel", "ecc", "es"},
}

ENDINGS = {
    "en": {"jr", "sr", "inc", "ltd", "co", "corp", "bros", "etc", "a.m", "p.m", "d.c", "b.c", "a.d"},
    "es": {"jr", "inc", "s.a", "s.l", "etc", "uu", "a.m", "p.m", "a. m", "p. m", "a. c", "d. c", "a.c", "d.c"},
    "pt": {"jr", "inc", "s.a", "ltda", "etc", "eua", "a.m", "p.m", "a. c", "d. c", "a.c", "d.c"},
    "fr": {"jr", "inc", "s.a", "etc", "av. j.-c", "apr. j.-c"},
    "de": {"jr", "inc", "gmbh", "ag", "etc", "usw", "u.s.w", "v. chr", "n. chr", "chr"},
    "it": {"jr", "inc", "s.p.a", "s.r.l", "ecc", "etc", "a.c", "d.c"},
}

# Abbreviations mostly used as adjectives (`U.S. Navy`): they end a sentence only before a STARTER.
ADJECTIVAL = {"u.s", "u.k", "u.n", "e.u"}

# Words that often open a sentence; after a single capital letter (`Apolo X.`, `War I.`) they
# mark a boundary, where a name would mark an initial (`J. K. Rowling`).
STARTERS = {
    "en": {"the", "a", "an", "it", "he", "she", "they", "we", "i", "you", "this", "that", "these", "those", "there",
           "in", "on", "at", "but", "and", "for", "as", "if", "when", "however", "after", "its", "his", "her"},
    "es": {"el", "la", "los", "las", "un", "una", "en", "por", "para", "con", "se", "no", "pero", "y", "sin", "este",
           "esta", "esto", "estos", "estas", "ese", "esa", "eso", "es", "hay", "también", "su", "sus", "al", "del",
           "después", "cuando", "si", "desde"},
    "pt": {"o", "a", "os", "as", "um", "uma", "em", "no", "na", "por", "para", "com", "se", "não", "mas", "e",
           "este", "esta", "isto", "isso", "é", "há", "também", "seu", "sua"},
    "fr": {"le", "la", "les", "un", "une", "en", "dans", "par", "pour", "avec", "se", "ne", "mais", "et", "ce",
           "cette", "il", "elle", "ils", "elles", "on", "c'est", "il y"},
    "de": {"der", "die", "das", "ein", "eine", "in", "im", "am", "er", "sie", "es", "wir", "aber", "und", "dies",
           "diese", "dieser", "nach", "als", "wenn"},
    "it": {"il", "lo", "la", "i", "gli", "le", "un", "una", "in", "nel", "nella", "per", "con", "si", "non", "ma",
           "e", "questo", "questa", "è", "c'è"},
}

CONTINUATIONS = {
    "en": {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
           "march", "april", "june", "july", "august", "september", "october", "november", "december",
           "est", "edt", "pst", "pdt", "cst", "cdt", "gmt", "utc", "bst", "cet", "day"},
    "es": {"hora", "horas", "utc", "gmt"},
    "pt": {"hora", "horas", "utc", "gmt"},
    "fr": {"heure", "heures", "utc", "gmt"},
    "de": {"uhr", "utc", "gmt"},
    "it": {"ora", "ore", "utc", "gmt"},
}
