"""NoneBot for the command line: ``python -m plugins.vote.cli`` imports this
package before anything has initialised NoneBot (manage.py does the same)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nonebot

ROOT = Path(__file__).resolve().parents[2]


def nonebot_ready() -> bool:
    try:
        nonebot.get_driver()
    except ValueError:
        return False
    return True


def init_for_cli() -> None:
    """Initialise NoneBot in the project directory, as manage.py does."""
    os.chdir(ROOT)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    nonebot.init()
