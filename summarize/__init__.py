"""summarize: translate and summarise news articles, and benchmark the models that do it."""

__version__ = "0.1.0"
