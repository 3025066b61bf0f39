"""OpenAI-compatible chat backend (vLLM, Ollama, llama.cpp server, DeepSeek, DashScope ...).

Streaming tokens; timeouts; retries with exponential backoff on connection errors,
429 and 5xx (the openai client's own retry loop); and one clear message per failure
kind, so the app can fall back to the offline answerer and say why.
"""
from __future__ import annotations

from collections.abc import Iterator

from rag.settings import LLMSettings


class LLMUnavailable(Exception):
    """The LLM server cannot answer; the message is fit to show a user."""


class OpenAICompatibleLLM:
    def __init__(self, cfg: LLMSettings):
        from openai import OpenAI

        self.cfg = cfg
        self.client = OpenAI(base_url=cfg.base_url, api_key=cfg.api_key or "not-needed", timeout=cfg.timeout_s,
                             max_retries=cfg.retries)

    def _explain(self, exc: Exception) -> LLMUnavailable:
        import openai

        where = self.cfg.base_url
        if isinstance(exc, openai.AuthenticationError):
            msg = f"LLM 服务拒绝了 API key（401）：请检查 RQA_LLM__API_KEY（{where}）"
        elif isinstance(exc, openai.PermissionDeniedError):
            msg = f"LLM 服务拒绝访问（403）：{where}"
        elif isinstance(exc, openai.NotFoundError):
            msg = f"LLM 服务上没有模型 {self.cfg.model!r} 或地址不对（404）：{where}"
        elif isinstance(exc, openai.RateLimitError):
            msg = f"LLM 服务限流（429），重试 {self.cfg.retries} 次后仍失败：{where}"
        elif isinstance(exc, openai.APITimeoutError):
            msg = f"LLM 服务超时（{self.cfg.timeout_s:g} 秒）：{where}"
        elif isinstance(exc, openai.APIConnectionError):
            msg = f"无法连接 LLM 服务：{where}"
        elif isinstance(exc, openai.APIStatusError):
            msg = f"LLM 服务出错（HTTP {exc.status_code}）：{where}"
        else:
            msg = f"LLM 服务异常（{exc.__class__.__name__}: {exc}）：{where}"
        return LLMUnavailable(msg)

    def stream_chat(self, messages: list[dict]) -> Iterator[str]:
        """Yield content deltas. Raises LLMUnavailable (also mid-stream, if the connection drops)."""
        import openai

        try:
            stream = self.client.chat.completions.create(
                model=self.cfg.model, messages=messages, temperature=self.cfg.temperature,
                max_tokens=self.cfg.max_tokens, stream=True)
            finished = False
            for event in stream:
                if not event.choices:
                    continue
                choice = event.choices[0]
                if choice.delta and choice.delta.content:
                    yield choice.delta.content
                finished = finished or choice.finish_reason is not None
            if not finished:  # the connection closed before the server said the answer was complete
                raise LLMUnavailable(f"LLM 回答中断（连接在生成途中断开）：{self.cfg.base_url}")
        except LLMUnavailable:
            raise
        except openai.OpenAIError as exc:
            raise self._explain(exc) from exc
        except Exception as exc:  # broken SSE from a misbehaving server
            raise self._explain(exc) from exc

    def chat(self, messages: list[dict]) -> str:
        return "".join(self.stream_chat(messages))
