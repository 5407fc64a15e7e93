"""Process-wide settings: the cache directory, and keeping every run offline."""

from __future__ import annotations

import os
from pathlib import Path

OFFLINE_DEFAULTS = {
    "HF_HUB_OFFLINE": "1",  # no model hub look-ups; models come from the cache or a folder
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",  # gradio otherwise reports to an analytics host
    "TOKENIZERS_PARALLELISM": "false",
}


def apply_offline_defaults() -> None:
    """Set the offline variables the user has not set; huggingface_hub reads them at import."""
    for name, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(name, value)


def cache_dir() -> Path:
    """Where converted models and built indexes live: $ARTICLE_QA_CACHE, else the XDG cache."""
    explicit = os.environ.get("ARTICLE_QA_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "article-qa"
