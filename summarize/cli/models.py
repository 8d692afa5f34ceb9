"""`summarize models list|show|download|remove|convert`: the model cards and what of them is stored here."""

from __future__ import annotations

import json
from pathlib import Path

import click

from summarize.catalog.cards import ModelCard, load_cards, lookup
from summarize.cli.common import notify
from summarize.errors import UnknownModelError
from summarize.output import echo
from summarize.runtimes.table import ENGINES, TASKS, runtimes


@click.group()
def models() -> None:
    """List, inspect and download the models named by the cards in models/."""


def _status(card: ModelCard) -> str:
    if card.architecture == "apertium":
        from summarize.engines.apertium import available_modes

        return f"installed: {', '.join(available_modes())}" if available_modes() else "not installed"
    if card.weightless:
        return "built in"
    from summarize.catalog.conversions import METADATA, converted_folder
    from summarize.catalog.hub import local_weights

    source = local_weights(card)
    if source is None and card.weight_format == "gguf":
        from summarize.catalog.gguf import package_installed

        return f"in package {card.gguf_package} (assembled on first use)" if package_installed(card) else "not downloaded"
    if source is None:
        return "not downloaded"
    converted = [
        f"{runtime} {q} {_mib(folder)}"
        for runtime in runtimes()
        for q in ENGINES[runtime].quantizations
        if ((folder := converted_folder(card, q, source, runtime)) / METADATA).is_file()
    ]
    return f"local {_mib(source)}" + (f", converted {', '.join(converted)}" if converted else "")


def _mib(path: Path) -> str:
    return f"{(path.stat().st_size if path.is_file() else _size(path)) / 2**20:.0f} MiB"


def _languages(card: ModelCard) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the card serves here: Apertium's installed pairs, not every language it could have."""
    if card.architecture != "apertium":
        return card.source_languages, card.target_languages
    from summarize.engines.apertium import installed_pairs

    pairs = installed_pairs()
    return tuple(sorted({s for s, _ in pairs})), tuple(sorted({t for _, t in pairs}))


@models.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of the cards, with typed values.")
def list_models(as_json: bool) -> None:
    """Every alias with its task, languages, parameter count, and whether it is stored here (with
    its size on disk and its conversions')."""
    rows = []
    for card in load_cards().values():
        sources, targets = _languages(card)
        rows.append(
            {
                "alias": card.alias,
                "task": "summarization,translation" if card.chat else card.task,
                "source_languages": list(sources),
                "target_languages": list(targets),
                "parameters": card.parameters,
                "engines": list(card.engines),
                "status": _status(card),
            }
        )
    if as_json:
        echo(json.dumps(rows, indent=2))
        return
    table = [
        {
            "alias": row["alias"],
            "task": row["task"],
            "languages": f"{','.join(row['source_languages']) or '*'}>{','.join(row['target_languages']) or '*'}",
            "params": f"{row['parameters'] / 1e6:.0f}M" if row["parameters"] else "-",
            "engines": ",".join(row["engines"]),
            "status": row["status"],
        }
        for row in rows
    ]
    widths = {k: max(len(k), *(len(r[k]) for r in table)) for k in table[0]}
    echo("  ".join(k.upper().ljust(w) for k, w in widths.items()).rstrip())
    for row in table:
        echo("  ".join(row[k].ljust(w) for k, w in widths.items()).rstrip())


@models.command("show")
@click.argument("alias")
def show(alias: str) -> None:
    """Everything the card says about ALIAS."""
    card = lookup(alias)
    echo(f"{card.alias}: {card.description}")
    keys = ("hub_id", "revision", "architecture", "license", "parameters")
    kind = "a chat model" if card.prompting == "chat" else "a pretrained model, prompted by completion"
    echo(f"  task: {'summarization and translation (' + kind + ')' if card.chat else card.task}")
    for key in (*keys, "context_length") if card.chat else (*keys, "max_input_tokens"):
        echo(f"  {key}: {getattr(card, key)}")
    echo(f"  engines: {', '.join(card.engines)}")
    echo(f"  languages: {', '.join(card.source_languages) or 'any'} -> {', '.join(card.target_languages) or 'same'}")
    echo(f"  status: {_status(card)}")
    if not card.weightless:
        from summarize.runtimes import cpu
        from summarize.runtimes.table import auto_runtimes

        ranked = [r for r in auto_runtimes(card.task, card.chat) if ENGINES[r].runs(card)]
        direct = next(name for name, row in ENGINES.items() if row.runs(card) and not row.converted)
        shape = "chat models" if card.chat else card.task
        if card.weight_format == "gguf":
            faster = [(task, cpu.fastest_runtime(f"gguf-{task}")) for task in TASKS]
            converted = [(task, runtime) for task, runtime in faster if runtime != direct]
            others = "".join(f"; {task} on {runtime} where its dequantised weights are converted" for task, runtime in converted)
            echo(f"  auto here: {direct}{others} (measured on {cpu.current().name} CPUs)")
        elif ranked and card.task == "translation" and not card.chat:
            single = [r for r in auto_runtimes(card.task, sentences=1) if ENGINES[r].runs(card)]
            echo(
                f"  auto here: {' then '.join(ranked)} conversions first for {cpu.SHAPES['translation']}, "
                f"{' then '.join(single)} for {cpu.SHAPES['translation-sentence']} (measured on {cpu.current().name} CPUs), "
                f"else {direct}"
            )
        else:
            echo(
                f"  auto here: {' then '.join(ranked)} conversions first "
                f"(measured fastest for {shape} on {cpu.current().name} CPUs), else {direct}"
                if ranked
                else f"  auto here: {direct} (the runtime of {card.weight_format} files)"
            )
    if card.generation:
        echo("  generation: " + ", ".join(f"{k}={v}" for k, v in card.generation.items()))
    if card.chat:
        from summarize.engines.chat import DEFAULT_PROMPTS

        for job in DEFAULT_PROMPTS:
            shown = (card.prompts.get(job) or DEFAULT_PROMPTS[job] + " (default)").replace("\n", "\\n")
            echo(f"  prompt {job}: {shown}")
    for score in card.scores:
        echo(f"  score: {score.metric} {score.value} on {score.dataset} ({score.source})")
    if card.hub_id and not card.pinned and card.local_path is None:
        notify(
            f"'{card.alias}' is at revision '{card.revision}', a ref that can move under you: "
            f"{card.revision_note or 'no reason is given in its card'}"
        )


@models.command("rank")
@click.option("--from", "source", required=True, metavar="LANG", help="The source language.")
@click.option("--to", "target", default="en", show_default=True, metavar="LANG", help="The target language.")
def rank(source: str, target: str) -> None:
    """The translators this machine has for a pair, as `auto` ranks them: by chrF on the pair's
    FLORES-200 dev set (the cards' measured scores); the first is the one `auto` takes."""
    from summarize.core.engines import default_card, ranked_translators
    from summarize.errors import LanguageError

    own = default_card("translation", source, target)
    ranked = ranked_translators(source, target, own)
    if not ranked:
        hint = f"; 'summarize models download {own.alias}' adds one" if own else ""
        raise LanguageError(f"nothing here translates {source} to {target}{hint}")
    for number, found in enumerate(ranked, 1):
        measured = f"chrF {found.chrf:g} on FLORES-200 dev {source}-{target}" if found.chrf is not None else "not measured"
        echo(f"{number}. {found.name}: {measured}" + (" (the pair's own model)" if found.own else ""))


@models.command("download")
@click.argument("alias")
def download(alias: str) -> None:
    """Fetch ALIAS's files at the card's revision into the Hugging Face cache."""
    from summarize.catalog.hub import download as fetch

    card = lookup(alias)
    if card.weightless:
        echo(f"{alias} needs no download")
        return
    folder = fetch(card)
    echo(str(folder))


@models.command("remove")
@click.argument("alias")
@click.option("--yes", is_flag=True, help="Remove without asking.")
def remove(alias: str, yes: bool) -> None:
    """Delete ALIAS's files from the Hugging Face cache (every revision) and its conversions."""
    import shutil

    from summarize.catalog.conversions import conversions_of
    from summarize.catalog.hub import cache_folder

    card = lookup(alias)
    if card.local_path is not None:
        raise UnknownModelError(f"'{alias}' is a local file or folder, not a cached model; delete it yourself if you mean to")
    folders = [f for f in (cache_folder(card), *conversions_of(card), *_assembled(card)) if f is not None]
    if not folders:
        echo(f"nothing of '{card.alias}' is stored here")
        return
    for folder in folders:
        echo(f"{_mib(folder):>9}  {folder}")
    if not yes and not click.confirm(f"remove these {len(folders)} folder(s)?", default=False):
        echo("nothing removed")
        return
    for folder in folders:
        folder.unlink() if folder.is_file() else shutil.rmtree(folder)
    echo(f"removed {len(folders)} folder(s)")


def _assembled(card: ModelCard) -> list[Path]:
    """The GGUF file a card's package was assembled into, if it was."""
    from summarize.catalog.gguf import assembled_path

    path = assembled_path(card) if card.gguf_package else None
    return [path] if path is not None and path.is_file() else []


def _size(folder: Path) -> int:
    """Bytes of the files in `folder`, links followed and each file counted once (a cache
    snapshot links to its blobs, which the repository folder holds too)."""
    files = {path.resolve() for path in folder.rglob("*") if path.is_file()}
    return sum(path.stat().st_size for path in files)


@models.command("convert")
@click.argument("alias")
@click.option(
    "--runtime",
    type=click.Choice(["auto", *runtimes(), "transformers"]),
    default="auto",
    show_default=True,
    help="ctranslate2: every architecture but PEGASUS; openvino: BART and Marian, CPU only; "
    "auto: openvino for BART summarisers, else ctranslate2; transformers: a GGUF model dequantised "
    "into a safetensors folder.",
)
@click.option(
    "--quantization",
    type=click.Choice(list(dict.fromkeys(q for r in runtimes() for q in ENGINES[r].quantizations))),
    default="int8",
    show_default=True,
    help="openvino takes int8 or float32.",
)
@click.option("--force", is_flag=True, help="Replace an existing conversion.")
def convert(alias: str, runtime: str, quantization: str, force: bool) -> None:
    """Convert ALIAS (from the local cache or a local folder) for the ctranslate2 or openvino
    engine; a GGUF model, into a safetensors folder for transformers."""
    from summarize.catalog.conversions import convert as run_conversion
    from summarize.catalog.conversions import default_runtime

    card = lookup(alias)
    if runtime == "auto":
        runtime = "transformers" if card.weight_format == "gguf" else default_runtime(card, quantization)
    echo(str(run_conversion(card, quantization, force, runtime)))
