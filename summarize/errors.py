"""Typed errors. The CLI turns each into one line on stderr and its exit code."""


class SummarizeError(Exception):
    """Base class of every error a user can cause or fix."""

    exit_code = 1


class InputError(SummarizeError):
    """The source cannot be read as text: missing, empty, binary, undecodable, too large."""

    exit_code = 2


class UnknownModelError(SummarizeError):
    """No card, hub id or local folder matches the name given."""

    exit_code = 3


class ModelUnavailableError(SummarizeError):
    """A known model cannot be loaded: not cached, hub unreachable, or files corrupt."""

    exit_code = 4


class LanguageError(SummarizeError):
    """The language is unsupported, or could not be detected with confidence."""

    exit_code = 5


class EngineUnavailableError(SummarizeError):
    """An engine's program or package is missing, or it cannot serve the request."""

    exit_code = 6


class CardError(SummarizeError):
    """A model card is malformed."""

    exit_code = 7


class OutputError(SummarizeError):
    """The result cannot be written: a missing or read-only folder, a full disk, a closed pipe."""

    exit_code = 8


class UnexpectedError(SummarizeError):
    """A fault of ours met on one input (a bug): said in one line, the original exception kept as
    its cause, so that it fails that input alone."""

    exit_code = 1


class FactCheckError(SummarizeError):
    """`--strict`: the output states what its source does not hold (`fact_check`, the findings)."""

    exit_code = 10

    def __init__(self, message: str, fact_check: dict | None = None):
        super().__init__(message)
        self.fact_check = fact_check


def first_line(error: BaseException) -> str:
    """An exception's message cut to its first line (its type's name when it says nothing): how
    a library's failure is quoted in our one-line errors."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def unexpected(error: Exception) -> UnexpectedError:
    """`error`, an exception no input should cause, as an UnexpectedError: where it was raised
    and what it said, in one line."""
    from pathlib import Path

    where = error.__traceback__
    while where is not None and where.tb_next is not None:
        where = where.tb_next
    origin = f" at {Path(where.tb_frame.f_code.co_filename).name}:{where.tb_lineno}" if where is not None else ""
    fault = UnexpectedError(
        f"unexpected {type(error).__name__}{origin}: {first_line(error)} "
        "(a bug: please report it; SUMMARIZE_DEBUG=1 shows the traceback)"
    )
    fault.__cause__ = error
    return fault


def attempt(step):
    """`step()`, or the SummarizeError it raised (an unforeseen exception as an UnexpectedError):
    for work over many records, where one record's failure becomes that record's error instead of
    the run's."""
    try:
        return step()
    except SummarizeError as error:
        return error
    except Exception as error:
        return unexpected(error)
