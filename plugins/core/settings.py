"""Process settings read from the environment (and .env files via NoneBot).

These are the deployment knobs; everything about behaviour lives in the YAML.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    config_path: Path
    data_dir: Path
    database_url: str
    locales_dir: Path


def _resolve(path: str) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else (Path.cwd() / p)


def load_settings() -> Settings:
    config_path = _resolve(os.environ.get("LINLI_CONFIG", "config/linli.yaml"))
    data_dir = _resolve(os.environ.get("LINLI_DATA_DIR", "data"))
    url = os.environ.get("LINLI_DATABASE_URL", "").strip()
    if not url:
        url = f"sqlite://{data_dir / 'linli.sqlite3'}"
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    return Settings(
        config_path=config_path,
        data_dir=data_dir,
        database_url=url,
        locales_dir=PROJECT_ROOT / "locales",
    )
