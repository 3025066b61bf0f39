"""Staff credentials: argon2 password hashes (argon2-cffi), SHA-256 API-key digests compared in
constant time, and the first-start credential that keeps `make run` a one-command start.

API keys are long random tokens, so a fast digest is enough (as for GitHub tokens); passwords
are chosen by people, so they get argon2's deliberately slow hash.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from rag.settings import Settings

_HASHER = PasswordHasher()
DEFAULT_USER = "staff"
GENERATED_FILE = "staff_credential.json"
SECRET_FILE = "session_secret"


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def hash_api_key(key: str) -> str:
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def state_dir(settings: Settings, index_dir: Path | None = None) -> Path:
    """The service's own files live beside the index versions (the store only collects v-* folders)."""
    return Path(settings.service.state_dir or Path(index_dir or settings.paths.index_dir) / ".service")


def _write_private(path: Path, text: str) -> bool:
    """Create `path` (owner-only) with its whole content at once; False if another process was first.
    Written to a temp file and hard-linked into place, so no reader ever sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink()


@dataclass
class StaffCredentials:
    users: dict[str, str] = field(default_factory=dict)  # user -> argon2 hash
    key_digests: list[str] = field(default_factory=list)  # "sha256:<hex>"
    generated_login: str = ""  # the one-time plain credential, set only on the start that created it
    generated_file: Path | None = None

    def check_password(self, user: str, password: str) -> str | None:
        """The user name if the password is right; any staff API key also works as a password."""
        stored = self.users.get(user or DEFAULT_USER)
        if stored:
            try:
                if _HASHER.verify(stored, password):
                    return user or DEFAULT_USER
            except (VerificationError, InvalidHashError):
                pass
        return (user or DEFAULT_USER) if self.check_api_key(password) else None

    def check_api_key(self, key: str) -> bool:
        if not key:
            return False
        digest = hash_api_key(key)
        ok = False
        for stored in self.key_digests:  # no early exit: the time taken does not say which key matched
            ok |= hmac.compare_digest(digest, stored)
        return ok

    def user_exists(self, user: str) -> bool:
        return user in self.users or (user == DEFAULT_USER and bool(self.key_digests))


def load_credentials(settings: Settings, index_dir: Path | None = None) -> StaffCredentials:
    """Configured credentials; with none configured, the generated one (created on the first start)."""
    svc = settings.service
    creds = StaffCredentials(users=dict(svc.staff_users), key_digests=list(svc.api_keys))
    if svc.staff_password_hash:
        creds.users.setdefault(DEFAULT_USER, svc.staff_password_hash)
    plain_key = svc.staff_api_key.get_secret_value()
    if plain_key:
        creds.key_digests.append(hash_api_key(plain_key))
    if creds.users or creds.key_digests:
        return creds
    path = state_dir(settings, index_dir) / GENERATED_FILE
    creds.generated_file = path
    if not path.exists():
        token = secrets.token_urlsafe(18)
        record = {"user": DEFAULT_USER, "password_hash": hash_password(token), "api_key": hash_api_key(token)}
        if _write_private(path, json.dumps(record)):
            creds.generated_login = token
    record = json.loads(path.read_text(encoding="utf-8"))
    creds.users[record["user"]] = record["password_hash"]
    creds.key_digests.append(record["api_key"])
    return creds


def session_secret(settings: Settings, index_dir: Path | None = None) -> str:
    """The cookie-signing key: configured, or generated once into the state folder (shared by every
    server process on the same index, so a login is valid on all of them)."""
    configured = settings.service.session_secret.get_secret_value()
    if configured:
        return configured
    path = state_dir(settings, index_dir) / SECRET_FILE
    if not path.exists():
        _write_private(path, secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip()
