"""One typed, env-overridable Settings object for the whole assistant.

Usage::

    from assistant.settings import Settings
    s = Settings()                       # env: ASSISTANT_DATA_DIR, ASSISTANT_CHROMA_HOST, ASSISTANT_LLM__MODEL …
    s = Settings(chunking={"chunk_size": 256})
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.settings import (
    BUNDLED_EMBEDDER,
    BUNDLED_EMBEDDER_SHA256,
    INDEX_FORMAT,
    REPO_ROOT,
    ChunkingSettings,
    EmbedderSettings,
    _Section,
    default_corpus_dir,
    default_data_dir,
)

__all__ = ["BUNDLED_EMBEDDER", "BUNDLED_EMBEDDER_SHA256", "INDEX_FORMAT", "REPO_ROOT", "ChunkingSettings",
           "EmbedderSettings", "Settings"]


class RetrievalSettings(_Section):
    """Hybrid retrieval: dense (Chroma) plus BM25, fused by reciprocal rank fusion."""

    dense_top_k: int = Field(12, ge=1, le=200, description="Candidates taken from the vector store.")
    bm25_top_k: int = Field(12, ge=1, le=200, description="Candidates taken from BM25.")
    top_k: int = Field(8, ge=1, le=100, description="Chunks kept after fusion.")
    rrf_k: int = Field(60, ge=1, le=1000, description="Reciprocal rank fusion constant.")
    mode: Literal["hybrid", "dense", "bm25"] = Field("hybrid", description="Which retrievers to use.")
    bm25_postings: int = Field(
        2000, ge=10, le=10_000_000,
        description="BM25 keeps each term's this many highest-scoring chunks, so a search reads at most this many "
                    "entries per query term however large the corpus (exact while no term is in more chunks).",
    )


class AnswerSettings(_Section):
    """How answers are composed and when the assistant abstains."""

    max_sentences: int = Field(5, ge=1, le=20, description="Evidence sentences in a non-figure answer.")
    min_relative: float = Field(
        0.65, ge=0.0, le=1.0, description="Evidence sentences scoring below this share of the best are left out."
    )
    max_figures: int = Field(8, ge=1, le=30, description="Figures listed for a quantity question.")
    min_coverage: float = Field(
        0.35, ge=0.0, le=1.0, description="Share of the question's key terms the evidence must contain."
    )
    min_dense: float = Field(
        0.25, ge=-1.0, le=1.0, description="Lowest cosine similarity of the best sentence to answer."
    )
    dense_override: float = Field(
        0.6, ge=-1.0, le=1.0, description="Similarity above which low term coverage does not force abstention."
    )
    engine: Literal["extractive", "grounded"] = Field(
        "extractive", description="Default answerer: 'extractive' (sentence selection; still the better one on the "
        "held-out test splits) or 'grounded' (answer-first extraction on the spaCy language layer, constraint-based "
        "abstention: shorter, more precise answers, but more false refusals; opt-in until it wins on test)."
    )
    weight_coverage: float = Field(1.0, ge=0, le=10, description="Weight of idf-weighted question-term coverage.")
    weight_dense: float = Field(0.6, ge=0, le=10, description="Weight of the sentence's dense similarity.")
    weight_type: float = Field(0.3, ge=0, le=10, description="Weight of holding a span of the expected type.")
    weight_closeness: float = Field(0.15, ge=0, le=10, description="Weight of a candidate's closeness to matches.")
    sure_coverage: float = Field(0.6, ge=0, le=1.01, description=(
        "Coverage of the question by the best sentence at which its short answer is given alone: the sentences "
        "after it would only be about the topic (above 1: always add them)."))
    weight_followup_doc: float = Field(0.15, ge=0, le=10, description=(
        "Bonus of a follow-up's evidence in the articles the previous answer cited ('How far did police chase it?' "
        "means the chase of the article just quoted)."))
    hard_relief_coverage: float = Field(0.6, ge=0, le=1, description="Coverage that, with high similarity, excuses "
                                        "a name of the question missing from the sentence (acronyms, aliases).")
    hard_relief_dense: float = Field(0.55, ge=-1, le=1, description="Similarity needed for that relief.")
    second_relative: float = Field(0.7, ge=0, le=1, description="A second sentence is added when it scores at least "
                                   "this share of the first and offers a different candidate answer.")
    passage_relative: float = Field(0.9, ge=0, le=1, description="A why/how/what answer adds its second-best "
                                    "sentence when it scores at least this share of the best and says something else.")
    grounded_lead: bool = Field(True, description="With the 'extractive' engine: lead with the grounded engine's "
                                "answer-first statement (short answer in bold) when it has one.")
    lead_words: int = Field(70, ge=10, le=1000, description="With the grounded lead: supporting sentences are added "
                            "while the answer stays within this many words.")
    refuse_without_span: Literal["never", "reliable", "named", "always"] = Field(
        "reliable", description="With the 'extractive' engine: refuse a typed question whose evidence holds no span "
        "of that type: 'reliable' for the types the language layer finds reliably (how many/much/old, when, 'what is "
        "the name of …'); 'named' for those and a conversation's first question asking for a person or a place "
        "(who/where/which town …), however the small model tagged it (more right refusals, and more wrong ones than "
        "the eval's bound allows on a held-out split); 'always' for every type, bodies' and follow-ups' too; or "
        "'never'.")

    @field_validator("refuse_without_span", mode="before")
    @classmethod
    def _refusal_from_bool(cls, value: object) -> object:
        """The setting was a yes/no once: true means 'always', false 'never'."""
        if isinstance(value, bool) or str(value).lower() in ("true", "false", "1", "0", "yes", "no"):
            return "always" if str(value).lower() in ("true", "1", "yes") else "never"
        return value
    type_window: int = Field(4, ge=1, le=50, description="Supported sentences searched for a typed answer.")
    yes_no_coverage: float = Field(0.75, ge=0, le=1, description="Coverage at which a sentence states a yes/no.")
    max_question_chars: int = Field(2000, ge=10, le=1_000_000, description="Longer questions are cut.")


class LLMSettings(_Section):
    """Opt-in generative backend, always behind the grounding verifier."""

    api_base: str = Field("http://127.0.0.1:8080/v1", description="OpenAI-compatible server URL.")
    api_key: str = Field("not-needed", description="API key for the OpenAI-compatible server.")
    model: str = Field("local-model", description="Model name sent to the server.")
    gguf_path: str | None = Field(None, description="GGUF file for the llamacpp backend.")
    ollama_url: str = Field("http://127.0.0.1:11434", description="Ollama server URL.")
    temperature: float = Field(0.0, ge=0.0, le=2.0, description="Sampling temperature.")
    max_tokens: int = Field(256, ge=16, le=8192, description="Most tokens generated per answer.")
    timeout: float = Field(60.0, gt=0, le=3600, description="Seconds to wait for the backend.")
    min_kept: float = Field(
        0.5, ge=0.0, le=1.0, description="Share of generated sentences that must survive verification."
    )
    sources: int = Field(5, ge=1, le=20, description="Numbered passages given to the LLM.")


class UISettings(_Section):
    """The Gradio web UI."""

    host: str = Field("127.0.0.1", description="Address to bind; non-loopback needs credentials.")
    port: int = Field(7860, ge=1, le=65535, description="TCP port to bind.")
    auth_file: str | None = Field(None, description="File with 'user:password' lines for a public bind.")
    concurrency: int = Field(4, ge=1, le=64, description="Answers computed at once.")


class Settings(BaseSettings):
    """All settings; env vars ASSISTANT_<FIELD> and ASSISTANT_<SECTION>__<FIELD> override defaults."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    corpus_dir: Path = Field(default_factory=default_corpus_dir, description="Folder of .txt articles to index "
                             "(default: seeds/ of the checkout, or the copy shipped in the package).")
    data_dir: Path = Field(default_factory=default_data_dir, description="Folder for the Chroma store and manifest "
                           "(default: .data/ of the checkout, or a per-user data folder).")
    chroma_host: str | None = Field(None, description="Chroma server host; unset means embedded Chroma.")
    chroma_port: int = Field(8000, ge=1, le=65535, description="Chroma server port.")
    collection_prefix: str = Field("news", min_length=3, description="Prefix of Chroma collection names.")
    backend: Literal["extractive", "openai", "ollama", "llamacpp"] = Field(
        "extractive", description="Answerer: the grounded extractive default or an opt-in LLM."
    )
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings)  # type: ignore[arg-type]
    embedder: EmbedderSettings = Field(default_factory=EmbedderSettings)  # type: ignore[arg-type]
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)  # type: ignore[arg-type]
    answer: AnswerSettings = Field(default_factory=AnswerSettings)  # type: ignore[arg-type]
    llm: LLMSettings = Field(default_factory=LLMSettings)  # type: ignore[arg-type]
    ui: UISettings = Field(default_factory=UISettings)  # type: ignore[arg-type]

    @field_validator("chunking")
    @classmethod
    def _overlap_below_size(cls, v: ChunkingSettings) -> ChunkingSettings:
        if v.chunk_overlap >= v.chunk_size:
            raise ValueError("chunking.chunk_overlap must be smaller than chunking.chunk_size")
        return v

    def index_key(self) -> str:
        """Hash of everything that changes stored vectors: embedder and chunking."""
        payload = {"embedder": self.embedder.model, "sha": self.embedder.sha256, "format": INDEX_FORMAT,
                   "chunk_vectors": self.embedder.chunk_vectors, **self.chunking.model_dump()}
        return _digest(payload)[:12]

    def collection_name(self) -> str:
        """Chroma collection base name; different embedders or chunkings never share one."""
        return f"{self.collection_prefix}-{self.index_key()}"

    def fingerprint(self) -> str:
        """Hash of every setting that can change an answer (stamped on each Answer)."""
        dump = self.model_dump(mode="json", exclude={"ui": True, "data_dir": True, "llm": {"api_key"}})
        return _digest(dump)[:16]


def _digest(payload: object) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
