"""README.md's generated lists (plugins/core/readme.py) are up to date."""

from __future__ import annotations


def test_the_readme_lists_every_feature_as_its_metadata_says() -> None:
    from plugins.core.readme import README, render

    text = README.read_text(encoding="utf-8")
    assert render(text) == text, (
        "README.md's feature lists are stale: run python manage.py docs --write"
    )


def test_a_feature_appears_in_both_lists() -> None:
    from plugins.core.readme import features, features_table, layout

    names = [f.name for f in features()]
    assert names[:6] == ["rules", "faq", "signup", "vote", "tickets", "notices"]
    for name in names:
        assert f"(plugins/{name}/README.md)" in features_table()
        assert f"plugins/{name}/ " in layout()


def test_render_leaves_unknown_blocks_alone() -> None:
    from plugins.core.readme import render

    text = "a\n<!-- generated: other -->\nkept\n<!-- end of generated: other -->\n"
    assert render(text) == text
