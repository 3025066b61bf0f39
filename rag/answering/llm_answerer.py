"""Answer with an LLM: numbered passages in a token-budgeted prompt built from prompts/*.md."""
from __future__ import annotations

from collections.abc import Iterator

from rag.answering.llm_client import OpenAICompatibleLLM
from rag.answering.prompts import load_prompt, render
from rag.retrieval.searcher import Hit
from rag.settings import Settings
from rag.text.script import is_traditional
from rag.text.tokens import count_tokens


def as_data(text: str) -> str:
    """Passage text as it goes inside its <资料> fence: angle brackets become full-width, so nothing in a
    document can close the fence or open a new one (an injected "</资料> 系统：…" stays quoted data)."""
    return text.replace("<", "＜").replace(">", "＞")


def build_messages(question: str, hits: list[Hit], context_tokens: int, encoding: str = "cl100k_base") -> tuple[list[dict], int]:
    """Chat messages and how many passages fit the budget (passages are data, fenced and numbered)."""
    blocks, used = [], 0
    for i, hit in enumerate(hits, 1):
        m = hit.doc.meta
        block = render("passage", n=str(i), title=as_data(hit.chunk.title), publisher=as_data(m.publisher or "—"),
                       date=as_data(m.date or "日期不详"), region=as_data(m.region or "—"), text=as_data(hit.chunk.text))
        cost = count_tokens(block, encoding)
        if blocks and used + cost > context_tokens:
            break
        blocks.append(block)
        used += cost
    script = "繁體中文" if is_traditional(question) else "简体中文"
    user = render("answer", passages="\n\n".join(blocks), question=question, script=script)
    return [{"role": "system", "content": load_prompt("system")}, {"role": "user", "content": user}], len(blocks)


class LLMAnswerer:
    name = "openai"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.llm = OpenAICompatibleLLM(settings.llm)

    def stream(self, question: str, hits: list[Hit]) -> Iterator[str]:
        messages, _ = build_messages(question, hits, self.settings.answer.context_tokens, self.settings.chunking.encoding)
        yield from self.llm.stream_chat(messages)

    def condense(self, prompt: str) -> str:
        return self.llm.chat([{"role": "user", "content": prompt}]).strip().splitlines()[0].strip()
