"""summarize: translate and summarise news articles, and benchmark the models that do it.

`from summarize import Pipeline` is the Python API (summarize/core/pipeline.py)."""

__version__ = "0.1.0"
__all__ = ["Pipeline", "__version__"]


def __getattr__(name: str):
    # Imported on first use, so that `import summarize` (and `summarize --help`) stays light.
    if name == "Pipeline":
        from summarize.core.pipeline import Pipeline

        return Pipeline
    raise AttributeError(f"module 'summarize' has no attribute {name!r}")
