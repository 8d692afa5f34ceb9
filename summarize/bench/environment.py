"""The machine and software a run was measured on."""

from __future__ import annotations

import os
import platform

from summarize.runtimes.table import package_version, runtime_packages

PACKAGES = ("summarize", *runtime_packages(), "tokenizers", "sacrebleu", "rouge-score", "lingua-language-detector", "numpy")


def runtime_versions() -> dict[str, str | None]:
    """Versions of the engines' runtimes present here (Python packages by their metadata, Apertium
    by its Debian package and installed pairs), without importing any."""
    import shutil
    import subprocess

    found = {name: package_version(name) for name in runtime_packages()}
    apertium = None
    if shutil.which("apertium"):
        from summarize.engines.apertium import available_modes

        try:
            packaged = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "apertium"], capture_output=True, text=True)
        except OSError:  # not a Debian system
            packaged = None
        number = packaged.stdout.strip() if packaged else ""
        apertium = f"{number or 'installed'} (pairs: {', '.join(available_modes()) or 'none'})"
    found["apertium"] = apertium
    return found


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# The CPU features that decide which kernels the runtimes use, and the variables that cap them.
CPU_FEATURES = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8")
ISA_VARIABLES = ("ONEDNN_MAX_CPU_ISA", "CT2_FORCE_CPU_ISA", "MKL_ENABLE_INSTRUCTIONS")


def cpu_features() -> list[str]:
    """Which of CPU_FEATURES this CPU reports (/proc/cpuinfo's flags; empty elsewhere)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            flags = next((line.split(":", 1)[1].split() for line in handle if line.startswith("flags")), [])
    except OSError:
        return []
    return [name for name in CPU_FEATURES if name in flags]


def _caps() -> dict[str, str]:
    """The kernel caps the runtimes run under: the class's and any the user set."""
    from summarize.runtimes import cpu

    return {**{name: os.environ[name] for name in ISA_VARIABLES if name in os.environ}, **cpu.runtime_caps()}


def _cpu_class() -> str:
    """The class the runtimes act on (runtimes/cpu.py), and the cap that made it, if any."""
    from summarize.runtimes import cpu

    row = cpu.current()
    return row.name + (f" (capped from {cpu.detected().name})" if row != cpu.detected() else "")


def describe(threads: int | None = None) -> dict:
    """Versions, CPU, cores, threads and GPU (torch is imported only if already loaded)."""
    versions = {name: package_version(name) for name in PACKAGES}
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_features": cpu_features(),
        "cpu_class": _cpu_class(),
        "isa_caps": _caps(),
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
