"""`summarize translate SOURCE --to LANG`: translation alone, paragraphs kept; a document file
comes back in its own format."""

from __future__ import annotations

import click

from summarize.cli.common import (
    announce_engines,
    as_json,
    emit,
    job_options,
    job_pipeline,
    read_document,
    source_options,
)
from summarize.documents import written_suffixes


@click.command()
@source_options
@job_options("translate", renamed={"translator": "--model"})
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "tsv"]),
    default=None,
    help="text (the default for text, URLs and PDFs), json or tsv (with the sentence alignment: paragraph, source, "
    "translation, confidence, ! when low). A document "
    f"({' '.join(written_suffixes())}) comes back in its own format unless text or tsv is asked; "
    "with json its result (metadata.document counts the units and inline formatting) goes to stdout and the "
    "document to -o.",
)
def translate(location, literal, output, fmt, **job) -> None:
    """Translate SOURCE (a file, - for stdin, or an http(s) URL) into the target language."""
    file_format = _document_format(location, literal, fmt, output)
    if file_format is not None:
        return _translate_document(location, output, fmt, file_format, job)
    document = read_document(location, literal)
    pipeline = job_pipeline(**job)
    result = pipeline.translate(document)
    announce_engines(result["metadata"])
    if fmt == "json":
        rendered = as_json(result)
    elif fmt == "tsv":
        rendered = "\n".join(
            "\t".join((str(row["paragraph"]), _tsv(row["source"]), _tsv(row["translation"]), _confidence(row)))
            for row in result["alignment"]
        )
    else:
        rendered = "\n\n".join(result["paragraphs"])
    emit(rendered, output)


def _document_format(location, literal, fmt, output):
    """The format SOURCE is translated in, when it is a document that comes back as one; an
    output that cannot hold it is refused before any work."""
    from pathlib import Path

    from summarize.documents import format_of
    from summarize.errors import OutputError
    from summarize.output import same_file

    source_format = format_of(location) if location and literal is None and "://" not in location else None
    wanted = source_format is not None and source_format.read is not None and fmt in (None, "json")
    output_format = format_of(output) if output is not None else None
    if output is not None and location and same_file(output, Path(location)):
        raise OutputError(f"-o {output}: is the input file, which is never modified; give another name")
    if not wanted:
        if output_format is not None and output_format.name != "text" and fmt in (None, "text", "tsv"):
            raise OutputError(f"-o {output}: translated text is not a {output_format.name} file; give a .txt name")
        return None
    if source_format.name == "text" and output_format is None:
        return source_format  # text, under any name
    if output_format is not None and output_format.name == "text" and source_format.name != "text":
        output_format = None  # the translated text, when --format text asks it
    if output_format is not None and output_format.name != source_format.name:
        raise OutputError(f"-o {output}: a {source_format.name} file is translated into {source_format.name}; give that suffix")
    if output is not None and output_format is None and fmt is None and not _stream(output, source_format):
        raise OutputError(
            f"-o {output}: a {source_format.name} file is translated into {source_format.name}; give its suffix "
            f"({Path(location).suffix.lower()}), or --format text for the translated text"
        )
    if output is None and fmt is None and source_format.binary:
        raise OutputError(f"{location}: a {source_format.name} file is not written to standard output; give -o FILE")
    if output is not None and output_format is None and fmt == "json":
        raise OutputError(f"-o {output}: with --format json, -o names the translated {source_format.name} file")
    return source_format


def _stream(output, source_format) -> bool:
    """Whether `output` is a device or pipe (/dev/stdout) that a text format may be written to."""
    import stat

    try:
        return not source_format.binary and not stat.S_ISREG(output.stat().st_mode)
    except OSError:
        return False


def _translate_document(location, output, fmt, file_format, job) -> None:
    from summarize.documents import open_document
    from summarize.documents.translation import translate_document
    from summarize.output import write_atomically, write_stdout

    document, _ = open_document(location)
    pipeline = job_pipeline(**job)
    data, result = translate_document(document, pipeline, file_format.name)
    announce_engines(result["metadata"])
    if output is not None:
        write_atomically(output, data)
    if fmt == "json":
        emit(as_json(result), None)
    elif output is None:
        write_stdout(data.decode("utf-8"))


def _confidence(row: dict) -> str:
    """The TSV's fourth column: the confidence, with ! when it is low; empty when none is given."""
    if row["confidence"] is None:
        return ""
    return f"{row['confidence']:.2f}" + ("!" if row["low_confidence"] else "")


def _tsv(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())
