"""Databases for the conversation-log tests: a real SQLite file, and a real PostgreSQL server
started for the session on a temp folder (skipped, saying why, only where PostgreSQL is not installed)."""
from __future__ import annotations

import secrets

import pytest
from sqlalchemy import create_engine, text

from support.postgres import TempPostgres


@pytest.fixture(scope="session")
def postgres_server():
    try:
        server = TempPostgres()
    except (FileNotFoundError, KeyError):
        pytest.skip("PostgreSQL is not installed here (Debian `postgresql`; `bash scripts/setup.sh --browser` "
                    "installs it as root): PostgreSQL tests skipped")
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture()
def postgres_url(postgres_server):
    """A fresh, empty database on the session's server for each test."""
    name = "t_" + secrets.token_hex(6)
    admin = create_engine(postgres_server.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return postgres_server.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'conversations.sqlite3'}"
    return request.getfixturevalue("postgres_url")
