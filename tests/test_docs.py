"""The docs a newcomer follows stay true: every setting is in the README's table."""

from __future__ import annotations

from pathlib import Path

from agent.settings import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parents[1]


class TestReadme:
    def test_every_setting_is_documented(self) -> None:
        readme = (ROOT / "README.md").read_text(encoding="utf-8")

        missing = [name for name in Settings.model_fields if f"`{ENV_PREFIX}{name.upper()}`" not in readme]

        assert missing == []

    def test_architecture_names_every_agent_module(self) -> None:
        architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
        modules = [
            p.relative_to(ROOT).as_posix() for p in (ROOT / "agent").glob("*.py") if p.name != "__init__.py"
        ]

        missing = [module for module in modules if module not in architecture]

        assert missing == []
