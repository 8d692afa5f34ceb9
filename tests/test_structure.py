"""The package's shape: no import circle, and engines added by one table row and one class."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "summarize"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Each module of the package and the package modules it imports, at the top or inside a
    function alike (`from summarize.x import y` counts summarize.x.y when that is a module)."""
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                edges.add(node.module)
                edges |= {f"{node.module}.{alias.name}" for alias in node.names}
        graph[name] = {edge for edge in edges if edge in modules and edge != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle found by a depth-first walk, each as the modules along it."""
    found, state, path = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        path.append(node)
        for neighbour in sorted(graph[node]):
            if state.get(neighbour) == "open":
                found.append(path[path.index(neighbour) :] + [neighbour])
            elif neighbour not in state:
                visit(neighbour)
        path.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]


def test_the_package_has_no_import_circle():
    graph = import_graph()
    assert "summarize.catalog.conversions" in graph["summarize.engines.runtime"]  # inner imports count
    assert cycles(graph) == []


def layers(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph of the package's subpackages (a top-level module is a layer of its own), an
    edge where any module of one imports, at the top or inside a function, one of the other."""

    def layer(module: str) -> str:
        parts = module.split(".")
        return ".".join(parts[:2])

    found: dict[str, set[str]] = {}
    for module, imported in graph.items():
        found.setdefault(layer(module), set()).update(layer(other) for other in imported if layer(other) != layer(module))
    return found


def test_the_packages_have_no_import_circle():
    """catalog, engines, core, text, documents... each imports only those below it (and the
    bottom modules: errors, limits, lengths, the runtimes' table and the CPU class)."""
    packages = layers(import_graph())
    assert "summarize.runtimes" in packages["summarize.catalog"]  # imports inside functions count
    assert cycles(packages) == []


def test_the_layer_finder_finds_a_circle_between_packages():
    graph = {"p.a.x": {"p.b.y"}, "p.b.y": set(), "p.b.z": {"p.a.w"}, "p.a.w": set()}
    assert cycles(layers(graph)) == [["p.a", "p.b", "p.a"]]


def test_engines_never_import_a_conversion_writer():
    graph = import_graph()
    writers = {"summarize.conversions.ctranslate2_writer", "summarize.conversions.openvino_writer"}
    assert not any(graph[m] & writers for m in graph if m.startswith("summarize.engines"))


FAKE_ENGINE = '''
from summarize.engines.base import Translated, Translator
from summarize.runtimes.table import ENGINES, EngineRow


class ShoutingTranslator(Translator):
    """A weight-free engine for the test: every sentence in capitals."""

    engine_name = "shouting"

    def __init__(self, card):
        self.card = card

    @classmethod
    def from_card(cls, card, device="auto", allow_download=True):
        return cls(card)

    def translate(self, sentences, source, target, starts=()):
        return Translated([s.upper() for s in sentences])


ENGINES["shouting"] = EngineRow("shouting", translator="fake_engine:ShoutingTranslator")
'''


def test_an_engine_is_one_table_row_and_one_class(tmp_path):
    """Registered before the command line is built, the row is offered by --engine and runs."""
    (tmp_path / "fake_engine.py").write_text(FAKE_ENGINE, encoding="utf-8")
    (tmp_path / "in.txt").write_text("Hola mundo. Adiós.", encoding="utf-8")
    code = "import sys; sys.path.insert(0, sys.argv[1]); import fake_engine; from summarize.cli import cli; cli(sys.argv[2:])"
    run = [sys.executable, "-c", code, str(tmp_path)]
    helped = subprocess.run([*run, "translate", "--help"], capture_output=True, text=True, timeout=60)
    assert "shouting" in helped.stdout
    done = subprocess.run(
        [*run, "translate", str(tmp_path / "in.txt"), "--from", "es", "--engine", "shouting", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["paragraphs"] == ["HOLA MUNDO. ADIÓS."]
    assert result["metadata"]["translator"]["engine"] == "shouting"


FAKE_FORMAT = """
from summarize.documents import FORMATS, Format
from summarize.documents.base import DocumentFile, Unit


class LinesDocument(DocumentFile):
    def rebuilt(self, texts):
        return "".join(runs[0] + "\\n" for runs in texts).encode("utf-8")


def read_lines(data, origin):
    lines = data.decode("utf-8").splitlines()
    return LinesDocument(origin, [Unit("line", [line], [None]) for line in lines if line.strip()])


FORMATS[".lines"] = Format("lines", False, read_lines)
"""

#: Run in a process where the fake engine and format are registered before anything else: the
#: CLI's help, `translate` of a file, `batch --out-dir` of a folder, and the service.
_ALL_SURFACES = """
import json, sys
sys.path.insert(0, sys.argv[1])
import fake_engine, fake_format
from pathlib import Path
from click.testing import CliRunner
from fastapi.testclient import TestClient
from summarize.cli import cli
from summarize.core.options import Options
from summarize.service.app import create_app
from summarize.service.settings import Settings

folder = Path(sys.argv[1])
found = {"help": ".lines" in CliRunner().invoke(cli, ["translate", "--help"]).stdout}
engine = ["--from", "es", "--engine", "shouting"]
CliRunner().invoke(cli, ["translate", str(folder / "docs" / "in.lines"), "-o", str(folder / "out.lines"), *engine])
found["translate"] = (folder / "out.lines").read_text()
args = ["batch", str(folder / "docs"), "--task", "translate", "--out", str(folder / "r.jsonl"), "--out-dir", str(folder / "o")]
CliRunner().invoke(cli, [*args, *engine])
found["batch"] = (folder / "o" / "in.en.lines").read_text()
with TestClient(create_app(Settings(job=Options(engine="shouting")))) as http:
    found["settings"] = ".lines" in http.get("/frontend/settings").json()["supportedFilesFormat"]
    form = {"source": "es", "target": "en"}
    url = http.post("/translate_file", data=form, files={"file": ("in.lines", b"Hola mundo.\\n")}).json()["translatedFileUrl"]
    found["service"] = http.get("/" + url.split("/", 3)[3]).text
print(json.dumps(found))
"""


def test_a_document_format_is_one_module_and_one_table_row(tmp_path):
    """A format registered in FORMATS (with a fake engine) is offered and translated by every
    surface: the help, `translate`, `batch --out-dir` and the service's /translate_file."""
    (tmp_path / "fake_engine.py").write_text(FAKE_ENGINE, encoding="utf-8")
    (tmp_path / "fake_format.py").write_text(FAKE_FORMAT, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "in.lines").write_text("Hola mundo.\n\nAdiós.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _ALL_SURFACES, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {
        "help": True,
        "translate": "HOLA MUNDO.\nADIÓS.\n",
        "batch": "HOLA MUNDO.\nADIÓS.\n",
        "settings": True,
        "service": "HOLA MUNDO.\n",
    }


FAKE_OPTION = """    domain: str = _option(
        "general", "The text's field.", "request", "--domain", ("general", "news", "legal"), tasks=("translate",)
    )
"""
DOMAIN_ENGINE = (
    FAKE_ENGINE
    + """

class DomainTranslator(ShoutingTranslator):
    \"\"\"Marks each sentence with the field its request named.\"\"\"

    engine_name = "domain"
    domain = "general"

    def for_request(self, options):
        import copy

        asked = copy.copy(self)
        asked.domain = options.domain
        return asked

    def translate(self, sentences, source, target, starts=()):
        return Translated([f"[{self.domain}] {s}" for s in sentences])


ENGINES["domain"] = EngineRow("domain", translator="domain_engine:DomainTranslator")
"""
)
_DOMAIN_EVERYWHERE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import domain_engine
from click.testing import CliRunner
from fastapi.testclient import TestClient
from summarize import Pipeline
from summarize.cli import cli
from summarize.core.options import Options
from summarize.service.app import create_app
from summarize.service.settings import Settings

args = ["translate", "--text", "Hola mundo.", "--from", "es", "--engine", "domain", "--domain", "legal"]
found = {"cli": CliRunner().invoke(cli, args).stdout.strip()}
found["pipeline"] = Pipeline(source="es", engine="domain", domain="legal").translate("Hola mundo.")["paragraphs"][0]
with TestClient(create_app(Settings(job=Options(engine="domain")))) as http:
    body = {"text": "Hola mundo.", "source": "es", "domain": "legal"}
    found["service"] = http.post("/translate/aligned", json=body).json()["paragraphs"][0]
    found["refused"] = http.post("/translate/aligned", json={**body, "domain": "casual"}).status_code
print(json.dumps(found))
"""


def test_a_request_option_is_one_field_and_reaches_the_engine(tmp_path):
    """One field added to Options (in a copy of the package) is a flag of `translate`, an
    argument of Pipeline and a field of /translate/aligned, checked, and reaches the engine."""
    import shutil

    shutil.copytree(PACKAGE, tmp_path / "summarize", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(PACKAGE.parent / "models", tmp_path / "models")
    options = tmp_path / "summarize" / "core" / "options.py"
    declared = options.read_text(encoding="utf-8")
    options.write_text(declared.replace("    def __post_init__(self):", FAKE_OPTION + "\n    def __post_init__(self):", 1))
    (tmp_path / "domain_engine.py").write_text(DOMAIN_ENGINE, encoding="utf-8")
    changed = [
        p
        for p in (tmp_path / "summarize").rglob("*.py")
        if p.read_bytes() != (PACKAGE / p.relative_to(tmp_path / "summarize")).read_bytes()
    ]
    assert changed == [options]
    done = subprocess.run([sys.executable, "-c", _DOMAIN_EVERYWHERE, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {
        "cli": "[legal] Hola mundo.",
        "pipeline": "[legal] Hola mundo.",
        "service": "[legal] Hola mundo.",
        "refused": 422,
    }


def test_the_cli_reference_is_generated_from_the_help():
    """docs/cli.md is what `python -m summarize.cli.reference` renders from the code now."""
    from summarize.cli.reference import render

    page = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
    assert page.read_text(encoding="utf-8") == render(), "regenerate: python -m summarize.cli.reference > docs/cli.md"
    assert "## `summarize batch`" in render() and "--max-length-factor" in render()


def test_every_surface_takes_the_document_formats_of_one_table(tmp_path):
    """A folder given to `batch` lists a file of every format; the help of `translate` and of
    `batch --out-dir` names every format written back."""
    from click.testing import CliRunner

    from summarize.cli import cli
    from summarize.corpora.inputs import input_files
    from summarize.documents import FORMATS, written_suffixes

    for suffix in (".txt", *FORMATS, ".exe"):
        (tmp_path / f"a{suffix}").write_bytes(b"x")
    assert sorted(path.suffix for path in input_files([str(tmp_path)])) == sorted({".txt", *FORMATS})
    for command in (["translate", "--help"], ["batch", "--help"]):
        helped = " ".join(CliRunner().invoke(cli, command).stdout.split())
        assert " ".join(written_suffixes()) in helped, command
