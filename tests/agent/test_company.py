"""The company profile file: read once into the identity every message and every check uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.company import ProfileError, load_profile
from agent.container import company_identity
from agent.settings import Settings, SettingsError

CASA_VERDE = Path(__file__).parents[2] / "evals" / "companies" / "casa-verde" / "company.yaml"

MINIMAL = """\
name: Harbor Dental
postal_address: "1 Quay Street, Portland, ME 04101, USA"
sender:
  name: Ana Silva
  email: ana@harbor-dental.example
"""


def test_a_profile_gives_the_sender_products_languages_and_brand_voice() -> None:
    identity = load_profile(CASA_VERDE)

    assert (identity.name, identity.sender_name, identity.sender_title) == (
        "Casa Verde Remodeling",
        "Lucía Herrera",
        "Project Consultant",
    )
    assert identity.languages == ("en", "es")
    assert "Walk-In Shower Conversion" in identity.products
    assert "act now" in identity.brand_avoid and "fixed-price quote" in identity.brand_use


def test_the_company_s_own_names_include_its_products_title_and_website() -> None:
    identity = load_profile(CASA_VERDE)

    assert {"Casa Verde Remodeling", "Project Consultant", "Verde Easy 12"} <= set(identity.own_names)
    assert "https://casaverde.example" in identity.own_names


def test_a_minimal_profile_defaults_to_english_and_no_brand_rules(tmp_path: Path) -> None:
    path = tmp_path / "company.yaml"
    path.write_text(MINIMAL, encoding="utf-8")

    identity = load_profile(path)

    assert identity.languages == ("en",) and identity.brand_avoid == () and identity.sender_title is None


def test_a_wrong_field_is_named_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "company.yaml"
    path.write_text(MINIMAL.replace("ana@harbor-dental.example", "not an address"), encoding="utf-8")

    with pytest.raises(ProfileError, match=r"company\.yaml: sender\.email"):
        load_profile(path)


def test_an_unknown_key_is_refused_rather_than_ignored(tmp_path: Path) -> None:
    path = tmp_path / "company.yaml"
    path.write_text(MINIMAL + "brand_vioce: {avoid: [cheap]}\n", encoding="utf-8")

    with pytest.raises(ProfileError, match="brand_vioce"):
        load_profile(path)


def test_the_configured_profile_replaces_the_individual_settings(tmp_path: Path) -> None:
    settings = Settings.load(_env_file=None, company_profile=CASA_VERDE, company_name="Ignored Inc")

    assert company_identity(settings).name == "Casa Verde Remodeling"


def test_without_a_profile_the_settings_give_the_identity_and_the_sender_title() -> None:
    settings = Settings.load(_env_file=None, sender_title="Customer Success")

    identity = company_identity(settings)

    assert (identity.name, identity.sender_title) == ("Northstar Bookings", "Customer Success")


def test_a_missing_profile_is_a_settings_error_that_names_the_variable(tmp_path: Path) -> None:
    settings = Settings.load(_env_file=None, company_profile=tmp_path / "nope.yaml")

    with pytest.raises(SettingsError, match="TOUCHPOINT_COMPANY_PROFILE: cannot read"):
        company_identity(settings)
