"""signup (接龙): sign-up sheets with capacity, deadline, waitlist, lottery, export.

The plugin (metadata, matchers, jobs) is in :mod:`.matchers`, imported here
when NoneBot is initialised. Imported as a plain package — what
``python -m plugins.signup.cli`` does before the CLI has set NoneBot up — it
defines nothing; the CLI then loads the plugin through NoneBot itself.
"""

from __future__ import annotations

import nonebot


def _nonebot_ready() -> bool:
    try:
        nonebot.get_driver()
    except ValueError:
        return False
    return True


if _nonebot_ready():
    from .matchers import __plugin_meta__  # noqa: F401
