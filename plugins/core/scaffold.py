"""``python manage.py new-plugin <name>``: a working feature to start from.

It writes ``plugins/<name>/`` (metadata, one command, one hook, a model and its
first migration, a YAML section with its commented text, both locales, a
README) and ``tests/<name>/`` (a service, a handler and an end-to-end test),
from the templates in ``plugins/core/scaffold/``, and touches nothing else:
NoneBot loads every folder of ``plugins/`` (pyproject.toml, ``plugin_dirs``).
"""

from __future__ import annotations

import keyword
import re
import subprocess
import sys
from pathlib import Path

TEMPLATES = Path(__file__).with_name("scaffold")
NAME = re.compile(r"^[a-z][a-z0-9_]{1,19}$")


class ScaffoldError(Exception):
    """Why the plugin cannot be made: an i18n key and its values."""

    def __init__(self, key: str, **values: str) -> None:
        self.key = key
        self.values = values
        super().__init__(key)


def camel(name: str) -> str:
    """``lost_found`` → ``LostFound`` (the config class is ``LostFoundConfig``)."""
    return "".join(part.capitalize() for part in name.split("_"))


def plan(name: str, root: Path) -> dict[Path, str]:
    """Every file to write (path → text); ScaffoldError if ``name`` is not
    usable or either folder exists already."""
    if not NAME.match(name) or keyword.iskeyword(name) or name == "core":
        raise ScaffoldError("core.cli.new_plugin.bad_name", name=name)
    targets = {"plugin": root / "plugins" / name, "tests": root / "tests" / name}
    for folder in targets.values():
        if folder.exists():
            raise ScaffoldError("core.cli.new_plugin.exists", path=str(folder))
    files: dict[Path, str] = {}
    for template in sorted(TEMPLATES.rglob("*.tmpl")):
        part, *rest = template.relative_to(TEMPLATES).parts
        relative = Path(*rest).with_suffix("")  # drop .tmpl
        text = template.read_text(encoding="utf-8")
        text = text.replace("{{Name}}", camel(name)).replace("{{name}}", name)
        files[targets[part] / relative] = text
    return files


def create(name: str, root: Path) -> list[Path]:
    """Write the plugin and its tests under ``root``; the files written.

    ruff (a test dependency) then formats them where it is installed, so that
    a name of any length leaves lines ``ruff format --check`` accepts."""
    files = plan(name, root)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    folders = [str(root / "plugins" / name), str(root / "tests" / name)]
    for fix in (["check", "--fix", "--quiet"], ["format", "--quiet"]):
        subprocess.run(
            [sys.executable, "-m", "ruff", *fix, *folders],
            cwd=root,
            check=False,
            capture_output=True,
        )
    return sorted(files)
