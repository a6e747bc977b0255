"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and go back down."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from agent.db.migrate import current_revision, downgrade, head_revision, upgrade
from agent.db.models import Base
from tests.conftest import scratch_postgres


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh' / 'touchpoint.db'}"
        return
    with scratch_postgres("touchpoint_migrate") as url:
        yield url


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
