"""Start the fake OpenAI-compatible server (tests/support/openai_stub_server.py) as a real process on a free port."""
from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def running_stub(suffix: str = ""):
    """Yields its base URL (`suffix`, e.g. "/v1", appended); stops the process afterwards."""
    proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("openai_stub_server.py"))],
                            stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline().split()[1])
        yield f"http://127.0.0.1:{port}{suffix}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
