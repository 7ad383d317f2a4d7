"""The ``console:`` section of the admin's YAML (every key has a default)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field

from plugins.core import Duration, Section, register_section


class ConsoleConfig(Section):
    # how long a browser stays signed in after opening a /工作台 link
    session_lifetime: Duration = timedelta(hours=12)
    # how long a /工作台 link can be opened (once)
    link_lifetime: Duration = timedelta(minutes=10)
    # the address staff open, e.g. https://wy.example.com (behind a reverse
    # proxy); empty: http://HOST:PORT of this process
    base_url: str = ""
    # sign-in attempts allowed per address within login_window
    login_attempts: int = Field(10, ge=1, le=1000)
    login_window: Duration = timedelta(minutes=1)
    # rows per page of the ticket table
    page_size: int = Field(50, ge=5, le=500)


register_section("console", ConsoleConfig)
