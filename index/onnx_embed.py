"""A fast query-time embedder: the same sentence-transformers model exported once to ONNX.

Importing torch and sentence-transformers costs seconds; onnxruntime and tokenizers cost a fraction.
The export runs at index time from the verified weights, is checked against the torch model on probe
sentences, and its own sha256 is recorded beside it and verified at every load.

Usage::

    emb = OnnxEmbedder.load(folder)          # folder written by export_onnx()
    emb.get_query_embedding("How many people were injured?")
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from index.errors import EmbedderError

log = logging.getLogger(__name__)
PROBES = [
    "How many people were injured?",
    "The minister told reporters in the capital on March 26 that there was a danger.",
    "a",
]
MIN_COSINE = 0.9999


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in 1 MiB blocks (weights are large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


BATCH = 8  # texts per forward pass: small passes are as fast on CPU and need far less memory (RSS)


class OnnxEmbedder:
    """Mean-pooled, normalised sentence embeddings from an ONNX export (same interface the index uses).

    A query runs on one session using every core. A batch of texts is cut into length-sorted forward passes
    that run side by side, one per core, each single-threaded on a second session: independent passes keep
    the cores busy when other work (the build's spaCy thread, another process) takes one, where one pass
    split across cores waits for its slowest thread. Each session is made on first use."""

    model_name: str

    def __init__(self, model: Path, tokenizer: Any, model_name: str, max_length: int = 256,
                 workers: int | None = None) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.model_name = model_name
        self.max_length = max_length
        self.workers = workers or max(1, os.cpu_count() or 1)
        tokenizer.enable_truncation(max_length)
        tokenizer.enable_padding()
        self._sessions: dict[int, Any] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    @classmethod
    def load(cls, folder: Path) -> OnnxEmbedder:
        meta_path = folder / "export.json"
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, ValueError) as exc:
            raise EmbedderError(f"no usable ONNX export in {folder} ({exc}); run `assistant index`") from exc
        model = folder / "model.onnx"
        if not model.is_file() or file_sha256(model) != meta["onnx_sha256"]:
            raise EmbedderError(f"ONNX export {model} is missing or corrupt; run `assistant index --rebuild`")
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        return cls(model, tokenizer, meta["source"], int(meta.get("max_length", 256)))

    def session(self, threads: int) -> Any:
        """The inference session whose passes use `threads` threads (made once)."""
        with self._lock:
            if threads not in self._sessions:
                import onnxruntime as ort

                options = ort.SessionOptions()
                options.intra_op_num_threads = threads
                options.log_severity_level = 3
                # no memory plan kept per input shape: every batch has its own shape, and the plans only
                # grow the arena (about 55 MB less RSS over a build, no slower)
                options.enable_mem_pattern = False
                self._sessions[threads] = ort.InferenceSession(str(self.model), options,
                                                               providers=["CPUExecutionProvider"])
            return self._sessions[threads]

    def _embed(self, texts: list[str], session: Any = None) -> list[list[float]]:
        import numpy as np

        if not texts:
            return []
        session = session or self.session(self.workers)
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
        weights = mask[..., None].astype(hidden.dtype)
        pooled = (hidden * weights).sum(1) / np.clip(weights.sum(1), 1e-9, None)
        pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return pooled.tolist()  # type: ignore[no-any-return]

    def get_query_embedding(self, query: str) -> list[float]:
        return self._embed([query])[0]

    def get_text_embedding(self, text: str) -> list[float]:
        return self._embed([text])[0]

    def get_text_embedding_batch(self, texts: list[str], **_: Any) -> list[list[float]]:
        """Embed in length-sorted batches (little padding), one per core at a time; returned in input order.
        A text's vector does not depend on the batch it is in or on the session's threads."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = [order[start : start + BATCH] for start in range(0, len(order), BATCH)]
        session = self.session(1)
        out: list[list[float]] = [[] for _ in texts]
        for batch, vectors in zip(batches, self._map(lambda b: self._embed([texts[i] for i in b], session), batches)):
            for i, vector in zip(batch, vectors):
                out[i] = vector
        return out

    def _map(self, fn: Callable[[list[int]], list[list[float]]], batches: list[list[int]]) -> Iterator[list[list[float]]]:
        if self.workers == 1 or len(batches) < 2:
            return map(fn, batches)
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="embed")
        return self._pool.map(fn, batches)


def export_onnx(source: Path, source_sha256: str, target: Path) -> Path:
    """Export the verified model at `source` to `target/model.onnx`, checked against torch; returns target."""
    meta_path = target / "export.json"
    if meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("source_sha256") == source_sha256 and (target / "model.onnx").is_file():
                return target
        except ValueError:
            pass
    import torch
    from transformers import AutoModel, AutoTokenizer

    target.mkdir(parents=True, exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(str(source))
    model = AutoModel.from_pretrained(str(source)).eval()

    class _Hidden(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    enc = tokenizer(PROBES, padding=True, return_tensors="pt")
    with torch.no_grad():  # reference vectors before export (tracing leaves the module in a traced state)
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    ref = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1).numpy()
    tmp = target / "model.onnx.tmp"
    with warnings.catch_warnings():  # tracer chatter about shapes; the export is checked numerically below
        warnings.simplefilter("ignore")
        _export(torch, _Hidden(model), enc, tmp)
    os.replace(tmp, target / "model.onnx")
    tokenizer.backend_tokenizer.save(str(target / "tokenizer.json"))
    return _finish(target, source, source_sha256, tokenizer, ref)


def _export(torch: Any, module: Any, enc: Any, tmp: Path) -> None:
    axes = {"input_ids": {0: "b", 1: "s"}, "attention_mask": {0: "b", 1: "s"}, "token_type_ids": {0: "b", 1: "s"},
            "last_hidden_state": {0: "b", 1: "s"}}
    torch.onnx.export(
        module, (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]), str(tmp),
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
        dynamic_axes=axes, opset_version=17, dynamo=False,
    )


def _finish(target: Path, source: Path, source_sha256: str, tokenizer: Any, ref: Any) -> Path:
    """Record the export, then refuse it unless it reproduces the torch vectors."""
    import numpy as np

    meta_path = target / "export.json"
    meta = {"source": str(source), "source_sha256": source_sha256, "onnx_sha256": file_sha256(target / "model.onnx"),
            "max_length": int(min(getattr(tokenizer, "model_max_length", 256), 256))}
    meta_path.write_text(json.dumps(meta))
    onnx = OnnxEmbedder.load(target)
    got = np.array(onnx.get_text_embedding_batch(PROBES))
    cosine = float((ref * got).sum(1).min())
    if cosine < MIN_COSINE:
        meta_path.unlink()
        raise EmbedderError(f"ONNX export disagrees with the torch model (cosine {cosine:.5f}); using torch instead")
    log.info("exported %s to ONNX (probe cosine %.6f)", source, cosine)
    return target
