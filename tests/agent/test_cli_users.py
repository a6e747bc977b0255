"""`touchpoint users create`: a password for the review page, set from a prompt or standard input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import copy_sqlite

TOUCHPOINT = str(Path(sys.executable).with_name("touchpoint"))


@pytest.fixture
def env(tmp_path: Path, migrated_sqlite: Path) -> dict[str, str]:
    """A database as `touchpoint db upgrade` leaves it (a copy of one migrated once per worker)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")}
    copy_sqlite(migrated_sqlite, tmp_path / "touchpoint.db")
    return {**clean, "TOUCHPOINT_DATABASE_URL": f"sqlite:///{tmp_path / 'touchpoint.db'}"}


def _create(env: dict[str, str], cwd: Path, *args: str, password: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TOUCHPOINT, "users", "create", *args, "--password-stdin"],
        env=env,
        cwd=cwd,
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )


class TestUsersCreate:
    def test_a_new_admin_gets_an_argon2_password_and_is_told_where_to_sign_in(
        self, env: dict[str, str], tmp_path: Path
    ) -> None:
        done = _create(env, tmp_path, "Boss@Example.com", "--admin", password="a long enough passphrase")

        assert done.returncode == 0, done.stderr
        assert "Boss@Example.com (admin) can sign in at http://127.0.0.1:8000/login" in done.stdout
        engine = create_engine(env["TOUCHPOINT_DATABASE_URL"])
        with engine.connect() as connection:
            row = connection.execute(text("SELECT email, role, password_hash FROM users")).one()
        engine.dispose()
        assert (row.email, row.role) == ("boss@example.com", "admin")
        assert row.password_hash.startswith("$argon2id$")

    def test_a_short_password_is_refused_in_one_line_without_a_traceback(
        self, env: dict[str, str], tmp_path: Path
    ) -> None:
        done = _create(env, tmp_path, "ana@example.com", password="short")

        assert done.returncode == 2
        assert "password not set: use at least 12 characters" in done.stderr
        assert "Traceback" not in done.stderr


class TestNotAnEmail:
    @pytest.mark.parametrize("args", [["create", "nobody", "--password-stdin"], ["create-key", "nobody"]])
    def test_a_user_that_is_not_an_email_is_refused_and_nothing_is_stored(
        self, env: dict[str, str], tmp_path: Path, args: list[str]
    ) -> None:
        """Found using the product: `users create-key nobody` made a user nobody could sign in as."""
        done = subprocess.run(
            [TOUCHPOINT, "users", *args],
            env=env,
            cwd=tmp_path,
            input="a long enough passphrase\n",
            capture_output=True,
            text=True,
            timeout=120,
        )

        assert done.returncode == 2
        assert "'nobody' is not an email address" in done.stderr
        engine = create_engine(env["TOUCHPOINT_DATABASE_URL"])
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM users")).scalar() == 0
        engine.dispose()
