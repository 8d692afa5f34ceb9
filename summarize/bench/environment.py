"""The machine and software a run was measured on."""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version

PACKAGES = (
    "summarize",
    "torch",
    "transformers",
    "tokenizers",
    "ctranslate2",
    "openvino",
    "sacrebleu",
    "rouge-score",
    "lingua-language-detector",
    "numpy",
)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def describe(threads: int | None = None) -> dict:
    """Versions, CPU, cores, threads and GPU (torch is imported only if already loaded)."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "threads": threads,
        "packages": versions,
        "gpu": None,
    }
    import sys

    torch = sys.modules.get("torch")
    if torch is not None:
        info["threads"] = threads or torch.get_num_threads()
        if torch.cuda.is_available():
            info["gpu"] = torch.cuda.get_device_name(0)
    return info
