"""The company profile file: who the business is, read once into a ``CompanyIdentity``.

One YAML file (``TOUCHPOINT_COMPANY_PROFILE``) holds what every message and every check needs to know
about the company: its name, the sender and their title, the address and phone, its product names, the
languages it writes in and its brand voice. Without the file the identity comes from the individual
settings (the demo company's, by default). The format is described in README "Your company" and
``evals/companies/README.md``; the eval's companies use the same files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from agent.domain import CompanyIdentity

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the field to fix."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SenderModel(_Strict):
    name: Text
    title: Text | None = None
    email: Text = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class BrandVoiceModel(_Strict):
    tone: str = ""
    use: tuple[Text, ...] = ()
    avoid: tuple[Text, ...] = ()


class ProfileModel(_Strict):
    name: Text
    legal_name: Text | None = None
    website: Text | None = None
    postal_address: Text
    phone: Text | None = None
    sender: SenderModel
    reply_to: Text | None = None
    languages: tuple[Language, ...] = ("en",)
    timezone: str | None = None  # leads who give none are in it (unless TOUCHPOINT_DEFAULT_TIMEZONE)
    products: tuple[Text, ...] = ()
    brand_voice: BrandVoiceModel = BrandVoiceModel()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        try:
            return value if value is None else ZoneInfo(value).key
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone name such as America/Chicago") from None

    def identity(self) -> CompanyIdentity:
        return CompanyIdentity(
            name=self.name,
            sender_name=self.sender.name,
            sender_email=self.sender.email,
            sender_title=self.sender.title,
            postal_address=self.postal_address,
            reply_to=self.reply_to,
            legal_name=self.legal_name,
            website=self.website,
            phone=self.phone,
            products=self.products,
            languages=self.languages or ("en",),
            brand_use=self.brand_voice.use,
            brand_avoid=self.brand_voice.avoid,
            timezone=self.timezone,
        )


def load_profile(path: Path) -> CompanyIdentity:
    """The company in ``path``; a ``ProfileError`` naming the file and every wrong field otherwise."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"cannot read the company profile {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ProfileError(f"the company profile {path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ProfileError(
            f"the company profile {path} must be a mapping (name:, sender:, postal_address: ...)"
        )
    try:
        return ProfileModel.model_validate(data).identity()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'file'}: {error['msg']}" for error in exc.errors()
        )
        raise ProfileError(f"the company profile {path}: {problems}") from exc
