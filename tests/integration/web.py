"""Driving the pages as a browser would, without one: each person keeps their own cookies."""

from __future__ import annotations

import re
from typing import Any

import httpx
from litestar.testing import AsyncTestClient

from tests.integration.conftest import PASSWORD

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, html[:2000]
    return found.group(1)


class Person:
    """One browser: its own cookie jar over the shared test client."""

    def __init__(self, client: AsyncTestClient[Any]) -> None:
        self.client = client
        self.jar = httpx.Cookies()
        self.token = ""

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        self.client.cookies = self.jar
        kwargs.setdefault("follow_redirects", False)
        response = await self.client.request(method, path, **kwargs)
        self.jar = httpx.Cookies(self.client.cookies)
        self.client.cookies = httpx.Cookies()
        return response

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        response = await self.request("GET", path, **kwargs)
        if CSRF.search(response.text):
            self.token = csrf_token(response.text)
        return response

    async def post(self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any) -> Any:
        """Posts a form the way the page does: with the CSRF token of the last page seen."""
        if not self.token and csrf:
            await self.get("/signin/")
        fields = {**({"_csrf_token": self.token} if csrf else {}), **(data or {})}
        return await self.request("POST", path, data=fields, **kwargs)

    async def follow(self, response: httpx.Response) -> httpx.Response:
        assert response.status_code in (302, 303), (response.status_code, response.text[:500])
        return await self.get(response.headers["location"])

    @property
    def session(self) -> str | None:
        return self.jar.get("session")


async def signed_in(client: AsyncTestClient[Any], email: str, password: str = PASSWORD) -> Person:
    person = Person(client)
    await person.get("/signin/")
    response = await person.post("/signin/", {"email": email, "password": password})
    assert response.status_code == 303, response.text[:1000]
    return person
