"""Sentence segmentation, table-driven: tricky cases per language (each row a list of sentences
that, joined by spaces, must split back into exactly these sentences)."""

from __future__ import annotations

import pytest

from summarize.text.segment import split_sentences

SPANISH = [
    ["El Sr. García llegó tarde.", "Nadie lo esperaba."],
    ["La Sra. Pérez y la Dra. Ruiz firmaron el acuerdo."],
    ["La Srta. Gómez habló con el Prof. Martín."],
    ["Martin Luther King Jr. pronunció su discurso en 1963."],
    ["El viaje de los EE. UU. a México duró dos días."],
    ["Viajó a los EE. UU.", "Allí estudió medicina."],
    ["La reunión empieza a las 10 a. m. en la sede central."],
    ["Llegaron a las 9 p. m.", "Cenaron enseguida."],
    ["Hay frutas, p. ej. manzanas y peras, en la mesa."],
    ["Compró pan, leche, huevos, etc. y volvió a casa."],
    ["Compró pan, leche, huevos, etc.", "Luego volvió a casa."],
    ["J. R. R. Tolkien escribió El Señor de los Anillos."],
    ["La inflación subió un 3,5 % en 2023.", "El Gobierno prometió medidas."],
    ["El PIB creció 2.5 puntos y la deuda llegó a 1.200.000 millones."],
    ["Es el 1.º de mayo.", "Hay manifestaciones en todo el país."],
    ["Quedó en 2.º lugar tras el n.º 1 del mundo."],
    ["La final será a las 21:30 horas.", "Las entradas se agotaron."],
    ["«Volveremos», dijo el alcalde.", "Nadie le creyó."],
    ["«No vamos a ceder.»", "Así lo anunció la ministra."],
    ["¿Quién ganó las elecciones?", "Nadie lo sabe todavía."],
    ["¡Qué sorpresa!", "El equipo remontó el partido."],
    ["¿Vendrás mañana? preguntó ella."],
    ["Esperaron… y esperaron.", "Nadie llegó."],
    ["No sé qué decir...", "Es increíble."],
    ["Más información en www.ejemplo.com o en https://ejemplo.org/noticias.", "Gracias."],
    ["El artículo está en ejemplo.es.", "Léanlo."],
    ["Vive en la Avda. de la Constitución, n.º 5."],
    ["Consulte la pág. 12 del informe."],
    ["El templo fue reconstruido en el 323 a. C.", "Hoy es un museo."],
    ["Volvió el módulo Apolo X.", "«Fue un éxito», dijeron."],
    ["Lo dijo el Sr. Reid.", "Después se fue."],
    ["La empresa HK Management Inc. no dio explicaciones."],
    ["Los Ángeles (EE. UU.) acogerá los Juegos.", "Será en 2028."],
    ["—¿Vienes? —preguntó Ana.", "—Sí, ahora voy."],
]

ENGLISH = [
    ["Mr. Smith went to Washington.", "He stayed a week."],
    ["Mrs. Jones and Dr. Brown signed the deal."],
    ["Martin Luther King Jr. spoke in 1963."],
    ["Kahne and Truex, Jr. are fifth and sixth."],
    ["The U.S. Navy confirmed the report."],
    ["She moved to the U.S.", "There she studied law."],
    ["The meeting starts at 10 a.m. Monday."],
    ["It ended at 11 p.m.", "Everyone went home."],
    ["At 1:15 a.m. Saturday, the power failed."],
    ["Fruit, e.g. apples and pears, is on the table."],
    ["Bring bread, milk, eggs, etc. to the party."],
    ["He bought bread, milk, eggs, etc.", "Then he went home."],
    ["J. K. Rowling wrote the books.", "They sold millions."],
    ["George W. Bush was president.", "He served two terms."],
    ["Prices rose 3.5 percent in 2023.", "The government promised action."],
    ["The debt reached 1,200,000 dollars."],
    ["She finished 2nd behind the No. 1 player."],
    ["See page 12, vol. 3 of the report."],
    ['"We will return," the mayor said.', "Nobody believed him."],
    ['"We will not give in."', "The minister said so."],
    ["Who won the election?", "Nobody knows yet."],
    ["What a surprise!", "The team came back."],
    ['"Are you coming?" she asked.'],
    ["They waited… and waited.", "Nobody came."],
    ["I don't know what to say...", "It is incredible."],
    ["More at www.example.com or https://example.org/news.", "Thanks."],
    ["It was fought in World War I.", "The war ended in 1918."],
    ["The temple was rebuilt in 323 B.C.", "Today it is a museum."],
    ["Six Flags St. Louis is open.", "Tickets are sold out."],
    ["HK Management Inc. did not explain the decision."],
    ["Los Angeles (U.S.) will host the Games.", "They start in 2028."],
    ["He said (quietly) that it was over.", "Then he left."],
]


def _ids(cases):
    return [case[0][:30] for case in cases]


@pytest.mark.parametrize("expected", SPANISH, ids=_ids(SPANISH))
def test_spanish(expected):
    assert split_sentences(" ".join(expected), "es") == expected


@pytest.mark.parametrize("expected", ENGLISH, ids=_ids(ENGLISH))
def test_english(expected):
    assert split_sentences(" ".join(expected), "en") == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("pt", "O Sr. Silva chegou. Ele disse olá.", ["O Sr. Silva chegou.", "Ele disse olá."]),
        ("fr", "M. Dupont est arrivé. Il a dit bonjour.", ["M. Dupont est arrivé.", "Il a dit bonjour."]),
        (
            "de",
            "Am 3. Oktober feiern wir. Das ist z. B. ein Feiertag.",
            ["Am 3. Oktober feiern wir.", "Das ist z. B. ein Feiertag."],
        ),
        ("it", "Il sig. Rossi è arrivato. Ha detto ciao.", ["Il sig. Rossi è arrivato.", "Ha detto ciao."]),
    ],
)
def test_other_served_languages(language, text, expected):
    assert split_sentences(text, language) == expected
