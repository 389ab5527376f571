"""Every message the code shows a person can be put into another language: the API's problems,
a form's errors, the CLI's lines; and none is written in a way the catalogs cannot hold."""

from __future__ import annotations

import ast
import io
from collections.abc import Iterator
from contextlib import redirect_stderr
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.cli.main import cli, spoken
from livefeed.domain.errors import Checks, Invalid, Message, NotFound
from livefeed.languages import catalogs, choice
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from scripts import messages
from tests.factories import make_editor
from tests.web.conftest import bearer, log_in, submit

PACKAGE = Path(__file__).resolve().parents[2] / "livefeed"

# A small Russian catalog of a few of the interface's messages, as `make messages` writes them.
RUSSIAN = {
    "Invalid input": "Неверные данные",
    "Not found": "Не найдено",
    "must be at least %(least)d characters": "не короче %(least)d символов",
    "there is no feed called “%(slug)s”": "нет ленты «%(slug)s»",
    "give --role ROLE or --remove": "укажите --role ROLE или --remove",
    "there is no file %(path)s": "нет файла %(path)s",
}


def _po(translations: dict[str, str]) -> str:
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    entries = [
        f"msgid {quoted(key)}\nmsgstr {quoted(value)}\n" for key, value in translations.items()
    ]
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    return "\n".join([header, *entries])


def _forget() -> None:
    catalogs.shipped.cache_clear()
    catalogs.translations.cache_clear()
    catalogs.catalog_for.cache_clear()


@pytest.fixture
def russian(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The site's catalogs are, for the test, English and this small Russian one."""
    folder = tmp_path / "locales" / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(_po(RUSSIAN), encoding="utf-8")
    monkeypatch.setattr(catalogs, "LOCALES", tmp_path / "locales")
    _forget()
    yield
    _forget()


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def client(settings: Settings, svc: Services) -> Iterator[TestClient]:
    with TestClient(create_app(settings, svc), follow_redirects=False) as test_client:
        yield test_client


# The English ----------------------------------------------------------------------------------


def test_a_message_is_its_english_with_its_values_kept_for_other_languages() -> None:
    said = Message("at most %(limit)d tags (%(name)s)", limit=5, name="50%")

    assert said == "at most 5 tags (50%)"
    assert isinstance(said, str)
    assert (said.template, said.values) == (
        "at most %(limit)d tags (%(name)s)",
        {"limit": 5, "name": "50%"},
    )
    assert Message("100% sure") == "100% sure"


def test_a_field_error_is_a_message_with_its_english_unchanged() -> None:
    refused = Invalid.field("tags", "at most %(limit)d tags", limit=3)
    checks = Checks()
    checks.fail("name", "%(name)s is taken", name="Ann")

    assert refused.errors == {"tags": "at most 3 tags"}
    assert str(refused) == "tags: at most 3 tags"
    assert checks.errors["name"] == "Ann is taken"
    assert isinstance(checks.errors["name"], Message)


def test_an_error_with_values_translates_with_them(russian: None) -> None:
    missing = NotFound(Message("there is no feed called “%(slug)s”", slug="summit"))

    with catalogs.speaking("ru-RU"):
        assert catalogs.translate(missing.args[0]) == "нет ленты «summit»"
    assert str(missing) == "there is no feed called “summit”"


# The API --------------------------------------------------------------------------------------


def test_the_api_refuses_in_the_language_asked_for(
    russian: None, client: TestClient, svc: Services
) -> None:
    editor = make_editor(svc)
    token = accounts.create_token(svc, editor.email, "tests")
    headers = {**bearer(token), "Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}

    response = client.post("/api/v1/feeds", json={"slug": "x", "title": "Short"}, headers=headers)

    assert response.status_code == 422
    problem = response.json()
    assert problem["title"] == "Неверные данные"
    assert problem["detail"] == "slug: не короче 3 символов"
    assert problem["errors"] == [{"field": "slug", "message": "не короче 3 символов"}]
    assert problem["field"] == "slug"


def test_a_missing_thing_is_named_in_the_language_asked_for(
    russian: None, client: TestClient
) -> None:
    asked = client.get("/api/v1/feeds/nowhere", headers={"Accept-Language": "ru"})
    plain = client.get("/api/v1/feeds/nowhere")

    assert asked.status_code == plain.status_code == 404
    assert (asked.json()["title"], asked.json()["detail"]) == ("Не найдено", "нет ленты «nowhere»")
    assert (plain.json()["title"], plain.json()["detail"]) == (
        "Not found",
        "there is no feed called “nowhere”",
    )


# Pages ----------------------------------------------------------------------------------------


def test_a_form_shows_its_errors_in_the_language_of_the_page(
    russian: None, client: TestClient, svc: Services
) -> None:
    editor = make_editor(svc)
    assert log_in(client, editor.email).status_code == 303
    client.headers["Accept-Language"] = "ru"

    response = submit(client, "/desk/feeds/new", {"title": "Storm", "slug": "x"})

    assert response.status_code == 422
    assert "не короче 3 символов" in response.text
    assert "must be at least 3 characters" not in response.text
    assert 'value="x"' in response.text


def test_an_error_page_speaks_the_language_asked_for(russian: None, client: TestClient) -> None:
    response = client.get("/feeds/nowhere", headers={"Accept-Language": "ru"})

    assert response.status_code == 404
    assert "Не найдено" in response.text


# The CLI --------------------------------------------------------------------------------------


def test_the_cli_speaks_the_language_of_the_locale(russian: None) -> None:
    result = CliRunner().invoke(
        cli, ["feed", "member", "summit", "ann@example.com"], env={"LC_ALL": "ru_RU.UTF-8"}
    )

    assert result.exit_code == 1
    assert result.output == "livefeed: error: укажите --role ROLE или --remove\n"


def test_the_cli_reports_a_use_cases_refusal_in_the_locales_language(
    russian: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "gone.db"
    env = {
        "LC_ALL": "",
        "LANG": "ru_RU.UTF-8",
        "LIVEFEED_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
    }

    result = CliRunner().invoke(cli, ["db", "restore", str(missing)], env=env)

    assert result.exit_code == 1
    assert result.output == f"livefeed: error: file: нет файла {missing}\n"


def test_the_cli_chooses_its_language_as_every_program_does(russian: None) -> None:
    assert spoken({"LANG": "ru_RU.UTF-8"}) == "ru"
    assert spoken({"LC_ALL": "C", "LANG": "ru_RU.UTF-8"}) == "en"
    assert spoken({"LC_MESSAGES": "ru_RU", "LANG": "en_GB.UTF-8"}) == "ru"
    assert spoken({"LANG": "de_DE.UTF-8"}) == "en"
    assert spoken({"LIVEFEED_LANGUAGE": "ru", "LANG": "C.UTF-8"}) == "ru"
    assert spoken({}) == "en"
    assert choice.of_locale({"LANG": "sr_RS@latin"}) is None


# Extraction -----------------------------------------------------------------------------------


def test_extraction_skips_no_message() -> None:
    """Babel skips, with a warning, a message it cannot read (an f-string with values)."""
    warnings = io.StringIO()
    with redirect_stderr(warnings):
        template = messages.extract()

    assert warnings.getvalue() == ""
    # Read past a variable named like a keyword: ``Invalid.field(field, "is required")``.
    assert "is required" in template
    assert "must be at least %(least)d characters" in template


def _dynamic(node: ast.AST) -> bool:
    """An f-string with values in an argument, a nested call's own arguments aside."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    return not isinstance(node, ast.Call) and any(
        _dynamic(child) for child in ast.iter_child_nodes(node)
    )


def test_no_message_is_built_with_an_f_string() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in messages.KEYWORDS and any(
                _dynamic(value) for value in [*node.args, *(k.value for k in node.keywords)]
            ):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {name}")

    assert found == []
