"""Staff credentials and sessions on real files with the real libraries (argon2-cffi, itsdangerous)."""
from __future__ import annotations

import json
import stat
import time

from pydantic import SecretStr

from helpers import make_settings
from rag.service.credentials import hash_api_key, hash_password, load_credentials, session_secret, state_dir
from rag.service.sessions import StaffSessions


def test_first_start_generates_a_login_and_keeps_only_its_hash(tmp_path):
    s = make_settings(tmp_path / "index")
    first = load_credentials(s)
    token = first.generated_login
    assert token and first.generated_file == tmp_path / "index" / ".service" / "staff_credential.json"
    stored = first.generated_file.read_text()
    assert token not in stored and json.loads(stored)["password_hash"].startswith("$argon2")
    assert stat.S_IMODE(first.generated_file.stat().st_mode) == 0o600
    again = load_credentials(s)  # the next start reuses it and shows nothing
    assert again.generated_login == ""
    assert again.check_password("staff", token) == "staff" and again.check_api_key(token)
    assert again.check_password("staff", token + "x") is None and not again.check_api_key("")


def test_configured_credentials_mean_nothing_is_generated(tmp_path):
    s = make_settings(tmp_path / "index")
    s.service.staff_users = {"wang": hash_password("正确的密码")}
    s.service.api_keys = [hash_api_key("script-key")]
    creds = load_credentials(s)
    assert creds.generated_file is None and not state_dir(s).exists()
    assert creds.check_password("wang", "正确的密码") == "wang" and creds.check_password("wang", "错") is None
    assert creds.check_api_key("script-key") and not creds.check_api_key("script-key ")
    s2 = make_settings(tmp_path / "index")
    s2.service.staff_api_key = SecretStr("plain-from-env")
    assert load_credentials(s2).check_api_key("plain-from-env") and not state_dir(s2).exists()


def test_session_cookie_is_signed_expires_and_dies_with_its_user(tmp_path):
    s = make_settings(tmp_path / "index")
    s.service.staff_users = {"wang": hash_password("pw")}
    creds = load_credentials(s)
    secret = session_secret(s)
    assert secret == session_secret(s)  # one secret shared by every process on this index
    sessions = StaffSessions(secret, creds, lifetime_s=1, secure=True)
    cookie = sessions.issue("wang")
    assert sessions.user_from_cookie(cookie) == "wang"
    assert sessions.user_from_cookie(cookie[:-2] + "xx") is None  # tampered
    assert StaffSessions("another-secret", creds, 60, True).user_from_cookie(cookie) is None
    assert sessions.user_from_cookie(sessions.issue("li")) is None  # not a staff user
    time.sleep(2.1)
    assert sessions.user_from_cookie(cookie) is None  # expired
    kw = sessions.cookie_kwargs()
    assert kw["httponly"] and kw["samesite"] == "strict" and kw["secure"]
