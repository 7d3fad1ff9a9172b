"""The tracker's alias paths rewrite to the canonical paths, for their methods only."""

from __future__ import annotations

import pytest

from entrypoints.http.aliases import ALIASES, Alias, canonical_path

REWRITES = [
    ("POST", "/api/projects/create/", "/api/projects/"),
    ("GET", "/api/projects/site/edit/", "/api/projects/site/"),
    ("PATCH", "/api/projects/site/edit/", "/api/projects/site/"),
    ("DELETE", "/api/projects/site/delete/", "/api/projects/site/"),
    ("POST", "/api/projects/site/invite/", "/api/projects/site/invites/"),
    ("POST", "/api/projects/site/tasks/add/", "/api/projects/site/tasks/"),
    ("GET", "/api/projects/site/task_list/", "/api/projects/site/tasks/"),
    ("GET", "/api/tasks/paint-it/edit/", "/api/tasks/paint-it/"),
    ("PATCH", "/api/tasks/paint-it/edit/", "/api/tasks/paint-it/"),
    ("DELETE", "/api/tasks/paint-it/delete/", "/api/tasks/paint-it/"),
]


@pytest.mark.parametrize(("method", "alias", "canonical"), REWRITES)
def test_each_alias_reaches_its_canonical_path(method: str, alias: str, canonical: str) -> None:
    assert canonical_path(method, alias) == canonical


def test_the_table_holds_every_alias_of_the_spec_and_nothing_else() -> None:
    assert sorted((m, a.alias) for a in ALIASES for m in a.methods) == sorted(
        (m, "/api/" + p.split("/api/")[1].replace("site", "{slug}").replace("paint-it", "{slug}"))
        for m, p, _ in REWRITES
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/projects/create/"), ("DELETE", "/api/projects/site/edit/"), ("PUT", "/api/tasks/x/edit/")],
)
def test_another_method_on_an_alias_path_is_not_rewritten(method: str, path: str) -> None:
    assert isinstance(canonical_path(method, path), Alias)


@pytest.mark.parametrize(
    "path",
    [
        "/api/projects/",
        "/api/projects/site/",
        "/api/projects/a/b/edit/",
        "/api/projects/site/edit",
        "/apix/tasks/a/edit/",
    ],
)
def test_other_paths_pass_through(path: str) -> None:
    assert canonical_path("GET", path) is None
