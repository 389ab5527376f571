"""Templates are compiled once per process, whatever the number of apps built, and compiled
again when their source changes."""

from __future__ import annotations

from pathlib import Path
from types import CodeType

import pytest
from jinja2 import Environment, FileSystemLoader

from livefeed.services import Services
from livefeed.web import rendering


def test_a_second_app_reuses_the_first_ones_compiled_templates(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = rendering.make_templates(svc).env
    second = rendering.make_templates(svc).env
    assert first is not second
    compiled: list[str | None] = []
    original = Environment._compile

    def counting(env: Environment, source: str, filename: str | None) -> CodeType:
        compiled.append(filename)
        return original(env, source, filename)

    monkeypatch.setattr(Environment, "_compile", counting)
    first.get_template("feed.html")
    seen = len(compiled)
    second.get_template("feed.html")
    assert len(compiled) == seen


def test_a_changed_template_is_compiled_again(tmp_path: Path) -> None:
    cache = rendering.CompiledOnce()
    page = tmp_path / "page.html"
    page.write_text("first {{ word }}")

    def rendered() -> str:
        env = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=cache, autoescape=True)
        return env.get_template("page.html").render(word="one")

    assert rendered() == "first one"
    assert rendered() == "first one"
    page.write_text("second {{ word }}")
    assert rendered() == "second one"
