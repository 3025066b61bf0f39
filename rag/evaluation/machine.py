"""What a benchmark records about the machine it ran on and the command that ran it."""
from __future__ import annotations

import os
import platform
import shlex
import sys
from pathlib import Path


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine_info() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {"nproc": usable, "cpu_count": os.cpu_count(), "cpu": cpu, "platform": platform.platform(),
            "python": platform.python_version(), "loadavg": loadavg()}


def command_line() -> str:
    argv = list(getattr(sys, "orig_argv", [sys.executable] + sys.argv))
    env = f"HF_HUB_OFFLINE={os.environ.get('HF_HUB_OFFLINE', '')} " if os.environ.get("HF_HUB_OFFLINE") else ""
    return f"cd {shlex.quote(os.getcwd())} && {env}{shlex.join(argv)}"
