"""Progress of a long ingest: files read, chunks embedded, rate and ETA — for the CLI and any UI callback."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Callable, TextIO


@dataclass
class IngestProgress:
    stage: str  # 读取 (reading and cleaning files) | 嵌入 (embedding chunks) | 写入 (writing the version) | 完成
    files_done: int
    files_total: int
    chunks_done: int
    chunks_total: int
    elapsed_s: float
    stage_elapsed_s: float

    @property
    def rate(self) -> float:
        """Items per second: files while reading, chunks while embedding; after that, chunks over the whole run."""
        done = self.files_done if self.stage == "读取" else self.chunks_done
        seconds = self.stage_elapsed_s if self.stage in ("读取", "嵌入") else self.elapsed_s
        return done / seconds if seconds > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        """Seconds left in the current stage at the current rate (None until there is a rate)."""
        done, total = (self.files_done, self.files_total) if self.stage == "读取" else (self.chunks_done, self.chunks_total)
        return (total - done) / self.rate if self.rate > 0 and total >= done else None

    def line(self) -> str:
        files = f"文件 {self.files_done}/{self.files_total}"
        if self.stage == "读取":
            unit = f"{self.rate:.1f} 个文件/秒"
        else:
            unit = f"段落 {self.chunks_done}/{self.chunks_total}，{self.rate:.1f} 段/秒"
        eta = f"，预计还需 {_duration(self.eta_s)}" if self.eta_s is not None and self.stage in ("读取", "嵌入") else ""
        return f"[{self.stage}] {files}，{unit}{eta}（已用 {_duration(self.elapsed_s)}）"


ProgressCallback = Callable[[IngestProgress], None]


class ProgressTracker:
    """Counts what ingest has done and hands a snapshot to the callback (if any) after each step."""

    def __init__(self, callback: ProgressCallback | None, files_total: int):
        self.callback = callback
        self.t0 = self.stage_t0 = time.perf_counter()
        self.stage, self.files_total, self.files_done = "读取", files_total, 0
        self.chunks_total = self.chunks_done = 0

    def enter(self, stage: str, chunks_total: int | None = None) -> None:
        self.stage, self.stage_t0 = stage, time.perf_counter()
        if chunks_total is not None:
            self.chunks_total = chunks_total
        self._emit()

    def file_done(self) -> None:
        self.files_done += 1
        self._emit()

    def chunks_embedded(self, n: int) -> None:
        self.chunks_done += n
        self._emit()

    def _emit(self) -> None:
        if self.callback is not None:
            now = time.perf_counter()
            self.callback(IngestProgress(self.stage, self.files_done, self.files_total, self.chunks_done,
                                         self.chunks_total, now - self.t0, now - self.stage_t0))


class ConsoleProgress:
    """Prints progress to a terminal (one line rewritten in place) or a log (a line every few seconds)."""

    def __init__(self, stream: TextIO = sys.stderr, every_s: float = 2.0):
        self.stream, self.every_s = stream, every_s
        self.tty = stream.isatty()
        self.last_at, self.last_stage = 0.0, ""

    def __call__(self, p: IngestProgress) -> None:
        now = time.monotonic()
        if p.stage in ("嵌入", "写入") and p.chunks_total == 0:
            return  # nothing to embed: no line to say so
        if p.stage == self.last_stage and p.stage != "完成" and now - self.last_at < (0.2 if self.tty else self.every_s):
            return
        self.last_at, self.last_stage = now, p.stage
        if self.tty:
            self.stream.write("\r\033[K" + p.line() + ("\n" if p.stage == "完成" else ""))
        else:
            self.stream.write(p.line() + "\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} 秒"
    if seconds < 3600:
        return f"{seconds // 60} 分 {seconds % 60} 秒"
    return f"{seconds // 3600} 小时 {seconds % 3600 // 60} 分"
