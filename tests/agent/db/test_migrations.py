"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and go back down."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from agent.db.migrate import current_revision, downgrade, head_revision, upgrade
from agent.db.models import Base
from tests.conftest import POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh' / 'touchpoint.db'}"
        return
    name = f"touchpoint_migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


class TestMigrations:
    def test_upgrade_creates_the_schema_the_models_describe(self, empty_database: str) -> None:
        upgrade(empty_database)

        engine = create_engine(empty_database)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        engine.dispose()
        assert differences == []
        assert current_revision(empty_database) == head_revision()

    def test_downgrade_to_base_removes_every_table(self, empty_database: str) -> None:
        upgrade(empty_database)
        downgrade(empty_database, "base")

        engine = create_engine(empty_database)
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        engine.dispose()
        assert tables == set()

    def test_upgrade_twice_is_harmless(self, empty_database: str) -> None:
        upgrade(empty_database)
        upgrade(empty_database)

        assert current_revision(empty_database) == head_revision()
