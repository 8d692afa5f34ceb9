"""The brief: quotes and their speakers by rules per language, names with their shorter forms,
numbers and dates with their sentences, points that cite the sentences they come from; on the
command line (`--format brief`, `brief-json`), in the Python API and the service (`brief`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarize.cli import cli
from summarize.text.quotes import find_quotes

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")
DATA = Path(__file__).resolve().parents[1] / "benchmarks" / "data"
ARTICLE = "\n\n".join(
    [
        "Los talibanes visitan China",
        "Una delegación de nueve talibanes, encabezada por el mulá Abdul Ghani Baradar, se reunió el miércoles "
        "en Tianjin con el ministro chino de Exteriores, Wang Yi.",
        "«Afganistán no permitirá que nadie use su territorio contra China», dijo Baradar, según un comunicado de los talibanes.",
        "El portavoz del Gobierno afgano, Naeem Wardak, afirmó: «Las conversaciones no cambian nada sobre el terreno».",
        "Los combates han causado 1.659 muertos civiles en seis meses, según la ONU. En la pancarta se leía: «Paz para todos».",
    ]
)


@pytest.mark.parametrize(
    ("language", "paragraphs", "expected"),
    [
        ("en", ['"We will rebuild it by June," said Naeem Wardak, the governor. "It is our priority," he added.'],
         [("We will rebuild it by June,", "Naeem Wardak"), ("It is our priority,", "Naeem Wardak")]),
        ("es", ["La ministra afirmó: «No habrá recortes». Según el portavoz del Gobierno, «el acuerdo está cerrado»."],
         [("No habrá recortes", "La ministra"), ("el acuerdo está cerrado", "el portavoz del Gobierno")]),
        ("fr", ["« Nous allons reconstruire le pont », a déclaré le maire.", "« C'est notre priorité », explique-t-il."],
         [("Nous allons reconstruire le pont", "le maire"), ("C'est notre priorité", "le maire")]),
        ("de", ["„Das Netz ist zu alt“, sagte Bahnchef Richard Lutz.", "„Es fehlt Geld“, so der Sprecher der Bahn."],
         [("Das Netz ist zu alt", "Bahnchef Richard Lutz"), ("Es fehlt Geld", "der Sprecher der Bahn")]),
        ("it", ["«Ricostruiremo il ponte», ha detto il sindaco. «È la nostra priorità», ha aggiunto."],
         [("Ricostruiremo il ponte", "il sindaco"), ("È la nostra priorità", "il sindaco")]),
        ("pt", ['O ministro declarou: "Vamos construir casas". "É tarde demais", reagiu a deputada Mariana Mortágua.'],
         [("Vamos construir casas", "O ministro"), ("É tarde demais", "a deputada Mariana Mortágua")]),
    ],
)  # fmt: skip
def test_quotes_and_their_speakers_in_each_served_language(language, paragraphs, expected):
    assert [(quote.text, quote.speaker) for _, quote in find_quotes(paragraphs, language)] == expected


@pytest.mark.parametrize(
    ("language", "paragraphs", "speakers"),
    [
        ("es", ["«Hemos regalado el primer gol», se lamentaba ayer Manuel Pellegrini en la sala de prensa."],
         ["Manuel Pellegrini"]),
        ("it", ["«Abbiamo sofferto molto», ha commentato a fine gara Simone Inzaghi."], ["Simone Inzaghi"]),
        ("pt", ['"Perdemos a casa toda", contava, emocionada, Ana Guerreiro, de 58 anos.'], ["Ana Guerreiro"]),
        ("fr", ["Sur le quai de la gare, Sophie, 34 ans, peste : « Je vais encore poser un congé. »"], ["Sophie"]),
        ("fr", ["Le président d'Enedis, Marianne Laigneau, a promis un retour « le plus rapide possible »."],
         ["Le président d'Enedis, Marianne Laigneau"]),
        ("de", ["Auch Sportvorstand Max Eberl war bedient. Man habe „in allen Bereichen“ verloren, sagte er."],
         ["Sportvorstand Max Eberl"]),
        ("es", ["El candidato, Alberto Núñez Feijóo, prometió bajar el IVA.",
                "«Los españoles no pueden pagar más», afirmó ante sus simpatizantes en Málaga."],
         ["El candidato, Alberto Núñez Feijóo"]),
    ],
)  # fmt: skip
def test_a_speaker_is_found_by_where_they_stand_whatever_the_verb(language, paragraphs, speakers):
    """Verbs of saying no list holds ("se lamentaba", "peste", "a promis"): the speaker is the
    subject after the verb that follows a quote, or the subject of the quote's sentence, past an
    adverbial opening; a bare verb's subject is the previous sentence's, in the paragraph before."""
    assert [quote.speaker for _, quote in find_quotes(paragraphs, language)] == speakers


def test_an_unattributed_quote_has_no_speaker_and_a_quoted_word_is_no_quote():
    found = find_quotes(["En la pancarta se leía: «Paz para todos». El llamado «plan» sigue."], "es")
    assert [(quote.text, quote.speaker) for _, quote in found] == [("Paz para todos", None)]


def test_the_written_set_s_speakers_stay_right():
    """The labelled articles in five languages (benchmarks/data/quotes_written.jsonl): a guard on
    the rules, which were written against them (benchmarks/briefs.py has the figures)."""
    right = total = 0
    for line in (DATA / "quotes_written.jsonl").read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        found = find_quotes(article["paragraphs"], article["language"])
        for label in article["quotes"]:
            match = next(q for i, q in found if i == label["paragraph"] and q.text.startswith(label["starts"]))
            names, said = label["speaker"], (match.speaker or "").casefold()
            total += 1
            if names is None:
                right += said == ""
            else:
                right += bool(said) and any(n.casefold() in said or said in n.casefold() for n in names)
    assert right / total >= 0.9, (right, total)


@needs_apertium
def test_the_brief_cites_its_sentences_and_lists_quotes_names_and_numbers(tmp_path):
    source = tmp_path / "talibanes.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    args = [str(source), "--from", "es", "--to", "en", "--engine", "apertium", "--length", "2"]
    as_json = CliRunner().invoke(cli, ["article", *args, "--format", "brief-json"])
    page = CliRunner().invoke(cli, ["article", *args, "--format", "brief"])
    assert as_json.exit_code == 0 and page.exit_code == 0, as_json.output + page.output
    brief = json.loads(as_json.stdout)["brief"]
    paragraphs = ARTICLE.split("\n\n")
    for point in brief["points"]:
        assert point["supported"] and point["cites"]
        for cite in point["cites"]:  # each citation is the article's sentence at that place
            assert cite["source"] in paragraphs[cite["paragraph"] - 1]
    quotes = {quote["quote"]: quote["speaker"] for quote in brief["quotes"]}
    assert quotes == {
        "Afganistán no permitirá que nadie use su territorio contra China": "Baradar",
        "Las conversaciones no cambian nada sobre el terreno": "Naeem Wardak",
        "Paz para todos": None,
    }
    baradar = next(name for name in brief["names"] if name["name"] == "Abdul Ghani Baradar")
    assert baradar["also_written"] == ["Baradar"] and baradar["mentions"] == 2 and baradar["first"] == [2, 1]
    dead = next(number for number in brief["numbers"] if number["written"] == "1.659")
    assert dead["value"] == "1659" and dead["paragraph"] == 5 and "1,659" in dead["translation"]
    assert {"miércoles", "seis", "nueve"} <= {number["written"] for number in brief["numbers"]}
    assert page.stdout.startswith(f"# {brief['headline']}\n") and "## Quotes" in page.stdout
    assert "— Naeem Wardak (¶4.1;" in page.stdout and "| Abdul Ghani Baradar | 2 | ¶2.1 | Baradar |" in page.stdout


@needs_apertium
def test_the_brief_on_the_python_api_and_the_service_and_refused_for_another_order():
    from fastapi.testclient import TestClient

    from summarize import Pipeline
    from summarize.core.options import Options
    from summarize.service.app import create_app
    from summarize.service.settings import Settings

    direct = Pipeline(to="en", source="es", engine="apertium", brief=True).article(ARTICLE)
    with TestClient(create_app(Settings(job=Options(engine="apertium")))) as http:
        served = http.post("/summarize", json={"text": ARTICLE, "source": "es", "target": "en", "brief": True}).json()
    assert served["brief"] == direct["brief"] and direct["brief"]["quotes"]
    refused = CliRunner().invoke(cli, ["article", "--text", ARTICLE, "--from", "es", "--order", "direct", "--format", "brief"])
    assert refused.exit_code == 2 and "use --order translate-first" in refused.stderr


@needs_apertium
def test_a_story_of_three_articles_in_three_languages_names_the_number_that_disagrees():
    """examples/story: the same earthquake in Spanish, French and Italian; the French article
    says 1 600 dead where the others say 1.659."""
    folder = Path(__file__).resolve().parents[1] / "examples" / "story"
    done = CliRunner().invoke(cli, ["story", str(folder), "--engine", "apertium", "--format", "json"])
    page = CliRunner().invoke(cli, ["story", str(folder), "--engine", "apertium"])
    assert done.exit_code == 0 and page.exit_code == 0, done.output + page.output
    story = json.loads(done.stdout)
    names = [article["name"] for article in story["articles"]]
    assert [article["language"] for article in story["articles"]] == ["es", "fr", "it"]
    (dead,) = story["numbers_disagreeing"]
    said = {names.index(name) + 1: sorted({e["value"] for e in entries}) for name, entries in dead["by_article"].items()}
    assert dead["about"] == "dead" and said == {1: ["1659"], 2: ["1600"], 3: ["1659"]}
    assert "- **dead**:" in page.stdout and "  - [2] 1,600: " in page.stdout
    turkey = next(name for name in story["names"] if "Turquía" in (name["name"], *name["written"]))
    assert {"Turquie", "Turchia"} <= {turkey["name"], *turkey["written"]} and len(turkey["articles"]) == 3
    erdogan = next(group for group in story["quotes_by_speaker"] if "Erdogan" in group["speaker"])
    assert [quote["article"] for quote in erdogan["quotes"]] == names[:2]
    assert story["points"][0]["said_by"] == names  # the quake, its magnitude and place: every article


def test_a_story_needs_two_articles(tmp_path):
    one = tmp_path / "one.txt"
    one.write_text("Hola.", encoding="utf-8")
    done = CliRunner().invoke(cli, ["story", str(one)])
    assert done.exit_code == 2 and "two articles or more" in done.stderr
