"""Opt-in LLM backends through llama-index: an OpenAI-compatible server, Ollama, or a local GGUF file.

`make_llm(settings)` builds one; `backend_errors(where)` turns transport failures into BackendError.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import BackendError

if TYPE_CHECKING:
    from llama_index.core.llms import LLM

    from assistant.settings import LLMSettings, Settings

log = logging.getLogger(__name__)
CONTEXT_WINDOW = 2048  # tokens; the prompt (system + 5 sources + question) stays well under half of it


def make_llm(settings: Settings) -> LLM:
    """The llama-index LLM for `settings.backend` (openai, ollama or llamacpp), configured from `settings.llm`."""
    s = settings.llm
    if settings.backend == "openai":
        from llama_index.llms.openai_like import OpenAILike

        # max_retries=1: one quick retry by the client; the llama-index default (3, with waits of seconds)
        # makes a stopped local server look like a hang.
        return OpenAILike(model=s.model, api_base=s.api_base, api_key=s.api_key, is_chat_model=True,
                          temperature=s.temperature, max_tokens=s.max_tokens, timeout=s.timeout,
                          context_window=CONTEXT_WINDOW, max_retries=1)
    if settings.backend == "ollama":
        from llama_index.llms.ollama import Ollama

        return Ollama(model=s.model, base_url=s.ollama_url, request_timeout=s.timeout, temperature=s.temperature,
                      context_window=CONTEXT_WINDOW, additional_kwargs={"num_predict": s.max_tokens})
    if settings.backend == "llamacpp":
        return _llamacpp(s)
    raise BackendError(f"backend {settings.backend!r} uses no LLM; choose openai, ollama or llamacpp")


def _llamacpp(s: LLMSettings) -> LLM:
    """An in-process llama.cpp model that formats chats with the GGUF's own chat template."""
    if not s.gguf_path:
        raise BackendError("the llamacpp backend needs a GGUF file: set ASSISTANT_LLM__GGUF_PATH=/path/to/model.gguf")
    path = Path(s.gguf_path).expanduser()
    if not path.is_file():
        raise BackendError(f"no GGUF file at {path}; set ASSISTANT_LLM__GGUF_PATH to an existing .gguf file")
    try:
        from llama_index.llms.llama_cpp import LlamaCPP
    except ImportError as exc:
        raise BackendError(
            f"the llamacpp backend needs the optional extra ({exc.name or exc} is missing): "
            "pip install -e '.[llamacpp]'  (or run scripts/setup_llm.sh)"
        ) from None
    try:
        llm = LlamaCPP(model_path=str(path), temperature=s.temperature, max_new_tokens=s.max_tokens,
                       context_window=CONTEXT_WINDOW, verbose=False)
    except (ValueError, RuntimeError) as exc:
        raise BackendError(f"cannot load the GGUF model {path}: {exc}") from exc
    model = llm._model
    template = (getattr(model, "metadata", None) or {}).get("tokenizer.chat_template")
    if template:
        llm.messages_to_prompt = _chat_template(model, template)  # type: ignore[assignment]
    return llm


def _chat_template(model: Any, template: str) -> Callable[[Sequence[Any]], str]:
    """messages_to_prompt using the chat template stored in the GGUF (LlamaCPP's default is a generic one)."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    def token(i: int) -> str:
        return str(model._model.token_get_text(i)) if i != -1 else ""

    formatter = Jinja2ChatFormatter(template=template, eos_token=token(model.token_eos()),
                                    bos_token=token(model.token_bos()))

    def messages_to_prompt(messages: Sequence[Any]) -> str:
        turns = [{"role": str(getattr(m.role, "value", m.role)), "content": m.content or ""} for m in messages]
        return str(formatter(messages=turns).prompt)  # type: ignore[arg-type]

    return messages_to_prompt


def _where(llm: Any, settings: LLMSettings) -> str:
    """What to name in a connection error: the server URL, or the model file for in-process models."""
    for attr in ("api_base", "base_url", "model_path"):
        value = getattr(llm, attr, None)
        if isinstance(value, str) and value:
            return value
    return settings.api_base


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and what caused it, outermost first."""
    out = [exc]
    while len(out) < 6 and (nxt := out[-1].__cause__ or out[-1].__context__) is not None:
        out.append(nxt)
    return out


def _reason(exc: BaseException, deepest: bool = True) -> str:
    """One line on what went wrong: by default the root cause ("[Errno 111] Connection refused")."""
    texts = [str(e).strip().splitlines()[0].rstrip(".") for e in _chain(exc) if str(e).strip()]
    return (texts[-1] if deepest else texts[0]) if texts else type(exc).__name__


@contextmanager
def _backend_errors(where: str) -> Iterator[None]:
    """Turn a server that is down or refuses the request into a BackendError that says what to do."""
    try:
        yield
    except BackendError:
        raise
    except Exception as exc:
        import httpx
        import ollama
        import openai

        down = (ConnectionError, TimeoutError, httpx.TransportError, openai.APIConnectionError)
        if any(isinstance(e, down) for e in _chain(exc)):
            raise BackendError(f"cannot reach the LLM server at {where}: {_reason(exc)}; "
                               "start it or set ASSISTANT_BACKEND=extractive") from exc
        if isinstance(exc, (openai.APIStatusError, ollama.ResponseError)):
            raise BackendError(f"the LLM server at {where} rejected the request: {_reason(exc, deepest=False)}; "
                               "check ASSISTANT_LLM__MODEL or set ASSISTANT_BACKEND=extractive") from exc
        raise
