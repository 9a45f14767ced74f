"""The ``xapi:`` and ``lti:`` sections of ``course.yaml``, validated on load.

Secrets can be given in the file or, better, named by an environment variable
(``password_env``), so ``course.yaml`` can be shared without them.

>>> s = XapiSettings(endpoint="http://127.0.0.1:8100/xAPI", homepage="https://course.example.org",
...                  username="course", password_env="LRS_PASSWORD")
>>> s.endpoint, s.statements_url
('http://127.0.0.1:8100/xAPI/', 'http://127.0.0.1:8100/xAPI/statements')
>>> s.secret({"LRS_PASSWORD": "s3cret"})
's3cret'
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["LtiSettings", "XapiSettings"]

_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")


def _url(value: str, what: str) -> str:
    if not _URL.match(value):
        raise ValueError(f"{value!r} is not a web address for {what} (http:// or https://)")
    return value


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class XapiSettings(_Frozen):
    """Where exercise events go as xAPI statements (off unless ``course.yaml`` has ``xapi:``).

    ``endpoint`` is the LRS's xAPI base (the address that ``statements`` is under);
    ``homepage`` is the course's own address: activity ids and the participants' account
    ``homePage`` are built from it, so keep it the same for the life of the course.
    Statements wait in ``outbox`` (a SQLite file; default beside the store's default file)
    until the LRS has them. Free text a trainee writes is never sent unless ``include_text``.
    """

    endpoint: str
    homepage: str
    username: str | None = None
    password: str | None = Field(None, repr=False)
    password_env: str | None = None
    outbox: str | None = None
    include_text: bool = False
    batch_size: int = Field(50, ge=1, le=500)
    timeout: float = Field(10.0, gt=0, le=120)

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, value: str) -> str:
        return _url(value, "the learning record store").rstrip("/") + "/"

    @field_validator("homepage")
    @classmethod
    def _homepage(cls, value: str) -> str:
        return _url(value, "the course's home page").rstrip("/")

    @model_validator(mode="after")
    def _one_secret(self) -> XapiSettings:
        if self.password is not None and self.password_env is not None:
            raise ValueError("give either password or password_env, not both")
        if (self.password is not None or self.password_env) and not self.username:
            raise ValueError("a password needs a username")
        return self

    @property
    def statements_url(self) -> str:
        """The LRS's Statement resource."""
        return self.endpoint + "statements"

    def secret(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The LRS password, from the file or the named environment variable."""
        if self.password_env:
            return (os.environ if environ is None else environ).get(self.password_env)
        return self.password

    def outbox_path(self) -> Path:
        """The outbox file: ``outbox`` if set, else ``$XDG_DATA_HOME/recovery-capital/``."""
        if self.outbox:
            return Path(self.outbox).expanduser()
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        return Path(base) / "recovery-capital" / "lms-outbox.sqlite3"


class LtiSettings(_Frozen):
    """The course as an LTI 1.3 tool registered with one platform (an LMS).

    The LMS admin gives ``issuer``, ``client_id``, ``deployment_ids`` and the platform's
    three addresses; the tool's own RSA key (``private_key_file``, PEM) signs its requests
    for grade return, and its public half is served as the tool's JWKS.
    """

    issuer: str
    client_id: str
    deployment_ids: tuple[str, ...] = Field(min_length=1)
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    private_key_file: str
    public_key_file: str
    #: the course's address as the LMS reaches it (the tool's launch and login pages live here)
    tool_url: str
    #: the cohort a launch joins when the link names none (a custom parameter ``cohort``)
    default_cohort: str | None = None
    outbox: str | None = None

    @field_validator("issuer", "auth_login_url", "auth_token_url", "key_set_url", "tool_url")
    @classmethod
    def _urls(cls, value: str) -> str:
        return _url(value, "the LTI platform")

    def outbox_path(self) -> Path:
        """Grade posts wait here until the platform has them (shared with xAPI by default)."""
        if self.outbox:
            return Path(self.outbox).expanduser()
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        return Path(base) / "recovery-capital" / "lms-outbox.sqlite3"
