"""A throwaway Milvus server for tests: the real C++ Milvus binary shipped in the PyPI package milvus-lite 2.5.1,
serving gRPC on 127.0.0.1 at a free port over a data file in a temp folder; stopped and deleted at the end.
(milvus-lite 3.x is a pure-Python re-implementation, not the engine: requirements.txt pins 2.5.1.)"""
from __future__ import annotations

import shutil
import tempfile
import time
import warnings
from pathlib import Path

from support.app_server import free_port  # the one free-port helper of the test servers


class TempMilvus:
    def __init__(self):
        with warnings.catch_warnings():  # milvus_lite 2.5 imports pkg_resources (setuptools<81), which warns
            warnings.simplefilter("ignore", UserWarning)
            from milvus_lite.server import Server
        self.folder = Path(tempfile.mkdtemp(prefix="rqa-milvus-"))
        self.port = free_port()
        self.uri = f"http://127.0.0.1:{self.port}"
        self._server = Server(str(self.folder / "server.db"), f"127.0.0.1:{self.port}")

    def start(self, timeout_s: float = 60.0) -> str:
        if not self._server.init() or not self._server.start():
            raise RuntimeError(f"milvus-lite server did not start (data {self.folder})")
        from pymilvus import MilvusClient

        deadline = time.monotonic() + timeout_s
        while True:  # ready when a client call succeeds
            try:
                client = MilvusClient(uri=self.uri, timeout=2)
                client.list_collections()
                client.close()
                return self.uri
            except Exception:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        try:
            self._server.stop()  # releases the data file's lock: the server exits (SIGKILL after 2 s)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
