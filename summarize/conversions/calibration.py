"""Inputs on which the int8 encoder's activation ranges are measured: news-style paragraphs in
the languages the cards serve (written for this project), tokenised by the model's own
tokenizer, at the lengths the engine meets (a sentence, a paragraph, a full 1,024-token input).
A tokenizer that knows none of the words (a random-weight model's placeholder) gets random
ordinary ids instead, and the metadata says so."""

from __future__ import annotations

from pathlib import Path

PARAGRAPHS = (
    "The city council approved the new budget on Tuesday after a debate that lasted more than six hours. "
    "The plan raises spending on public transport and schools, while property taxes stay the same for a third year.",
    "Heavy rain flooded several streets in the north of the region overnight, and firefighters rescued a dozen drivers "
    "trapped in their cars. Forecasters expect the storm to move east by Thursday.",
    "Researchers at the university said the vaccine trial had enrolled four thousand volunteers in eleven countries, "
    "and that the first results would be published early next year.",
    "El Ayuntamiento aprobó el martes el nuevo presupuesto tras un debate de más de seis horas. El plan aumenta el gasto "
    "en transporte público y en escuelas, mientras que el impuesto sobre bienes inmuebles no sube por tercer año.",
    "Las lluvias torrenciales inundaron varias calles del norte de la región durante la noche y los bomberos rescataron "
    "a una docena de conductores atrapados en sus coches. Se espera que la tormenta se desplace hacia el este.",
    "Le conseil municipal a adopté mardi le nouveau budget après un débat de plus de six heures. Le plan augmente les "
    "dépenses pour les transports publics et les écoles, tandis que la taxe foncière reste inchangée.",
    "Des pluies diluviennes ont inondé plusieurs rues du nord de la région pendant la nuit, et les pompiers ont secouru "
    "une douzaine d'automobilistes bloqués dans leur voiture.",
    "Der Stadtrat hat am Dienstag nach einer mehr als sechsstündigen Debatte den neuen Haushalt verabschiedet. Der Plan "
    "erhöht die Ausgaben für den öffentlichen Nahverkehr und die Schulen.",
    "Il consiglio comunale ha approvato martedì il nuovo bilancio dopo un dibattito durato più di sei ore. Il piano "
    "aumenta la spesa per i trasporti pubblici e le scuole.",
    "A câmara municipal aprovou na terça-feira o novo orçamento, depois de um debate de mais de seis horas. O plano "
    "aumenta a despesa com os transportes públicos e as escolas.",
    "Shares in the carmaker fell by nine per cent after it warned that chip shortages would cut production by a fifth "
    "this quarter, the third warning in a year. Analysts said rivals faced the same problem.",
    "The museum will reopen in March after a two-year renovation that cost forty million euros, its director said, "
    "adding that the collection of medieval manuscripts would be shown in a new wing.",
)


def calibration_inputs(source: Path, vocab_size: int, eos_token_id: int, budget: int) -> tuple[list[list[int]], str]:
    """Token ids of single paragraphs and of paragraphs joined up to `budget` tokens, and what they
    are ("text" or "random ids")."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(source)
    single = [tokenizer(p, truncation=True, max_length=budget).input_ids for p in PARAGRAPHS]
    unknown = tokenizer.unk_token_id
    if unknown is not None and sum(t == unknown for ids in single for t in ids) > 0.5 * sum(map(len, single)):
        return _random_ids(vocab_size, eos_token_id, budget), "random ids (the tokenizer knows none of the words)"
    joined = " ".join(PARAGRAPHS * 8)
    long = [tokenizer(joined[start:], truncation=True, max_length=budget).input_ids for start in (0, 400, 900)]
    return single[::2] + long, "text"


def _random_ids(vocab_size: int, eos_token_id: int, budget: int) -> list[list[int]]:
    import random

    generator = random.Random(0)
    top = min(vocab_size - 2, 30000)
    return [
        [generator.randrange(10, top) for _ in range(n - 1)] + [eos_token_id] for n in (30, 60, 120, budget // 2, budget, budget)
    ]
