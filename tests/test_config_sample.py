"""config/linli.yaml is the assembly of the plugins' own config.yaml files."""

from __future__ import annotations

import asyncio
import difflib
import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.shipped import SHIPPED, section_path, section_text

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_file_is_the_assembly() -> None:
    from plugins.core.sample import assemble

    shipped = SHIPPED.read_text(encoding="utf-8")
    assembled = assemble()
    diff = "".join(
        list(
            difflib.unified_diff(
                shipped.splitlines(keepends=True),
                assembled.splitlines(keepends=True),
                "config/linli.yaml",
                "plugins/*/config.yaml",
            )
        )[:40]
    )
    assert shipped == assembled, (
        "config/linli.yaml differs from the plugins' config.yaml files; edit "
        "plugins/<name>/config.yaml, then run: python manage.py config sample "
        f"--write\n{diff}"
    )


def test_the_parts_in_their_order() -> None:
    from plugins.core.sample import ORDER, PLUGINS, features, parts

    names = features()
    assert names[: len(ORDER)] == list(ORDER)
    assert names[len(ORDER) :] == sorted(names[len(ORDER) :])
    core = PLUGINS / "core"
    files = parts()
    assert files[:2] == [core / "config.header.yaml", core / "config.yaml"]
    assert files[-1] == core / "config.groups.yaml"


def test_each_section_alone_is_valid_and_the_shipped_one(tmp_path: Path) -> None:
    from plugins.core.config import load
    from plugins.core.sample import features

    full = load(SHIPPED)
    for name in ["core", *features(), "groups"]:
        text = section_text(name)
        assert section_path(name).is_file()
        assert list(yaml.safe_load(text) or {}) == [name], name
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        alone = load(path)  # ConfigError (file, line, key) if the section is wrong
        if name == "core":
            assert alone.core == full.core
        elif name == "groups":
            assert alone.groups == full.groups
        else:
            assert alone.section(name) == full.section(name), name


def _folder(plugins: Path, name: str, text: str) -> None:
    (plugins / name).mkdir(parents=True, exist_ok=True)
    (plugins / name / "config.yaml").write_text(text, encoding="utf-8")


def test_a_new_plugin_lands_after_the_others(tmp_path: Path) -> None:
    from plugins.core.sample import PLUGINS, assemble, features

    plugins = tmp_path / "plugins"
    (plugins / "core").mkdir(parents=True)
    for part in ("config.header.yaml", "config.yaml", "config.groups.yaml"):
        (plugins / "core" / part).write_bytes((PLUGINS / "core" / part).read_bytes())
    _folder(plugins, "faq", section_text("faq"))
    _folder(plugins, "rules", section_text("rules"))
    _folder(plugins, "zeta", "# zeta\nzeta:\n  enabled: true\n")
    _folder(plugins, "alpha", "\n\n# alpha\nalpha:\n  enabled: false\n\n")
    (plugins / "nothing").mkdir()  # a folder without config.yaml adds nothing

    assert features(plugins) == ["rules", "faq", "alpha", "zeta"]
    text = assemble(plugins)
    order = [
        "# linli 配置文件",
        "\ncore:\n",
        "\nrules:\n",
        "\nfaq:\n",
        "\n# alpha\nalpha:\n  enabled: false\n\n# zeta\nzeta:\n",
        "\ngroups:\n",
    ]
    places = [text.index(piece) for piece in order]
    assert places == sorted(places)
    assert text.endswith(section_text("groups"))
    assert "\n\n\n" not in text


def test_config_sample_write(tmp_path: Path, monkeypatch) -> None:
    from plugins.core import cli, sample

    target = tmp_path / "linli.yaml"
    monkeypatch.setattr(sample, "SHIPPED", target)
    args = cli.config_parser("en").parse_args(["sample", "--write"])
    assert asyncio.run(cli.run_config(args, "en")) == 0
    assert target.read_text(encoding="utf-8") == sample.assemble()


def test_manage_config_sample_needs_no_yaml_nor_database(tmp_path: Path) -> None:
    from plugins.core.sample import assemble

    broken = tmp_path / "broken.yaml"
    broken.write_text("core:\n  locale: [zh-CN\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.update(
        LINLI_CONFIG=str(broken),
        LINLI_DATA_DIR=str(tmp_path / "data"),
        LINLI_DATABASE_URL="postgres://nobody:none@127.0.0.1:1/none",
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "config", "sample"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == assemble()
