"""People using TaskReward in Chromium: sign up with the emailed code, run a project, claim, review, get paid."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from tests.browser.conftest import Site
from tests.integration.conftest import text_part

PHONE = {"width": 390, "height": 844}


def picture() -> bytes:
    """A small picture of green rows, as a phone would upload it."""
    image = Image.new("RGB", (480, 300), (250, 245, 230))
    draw = ImageDraw.Draw(image)
    for row in range(5):
        draw.rectangle((30, 30 + row * 55, 450, 60 + row * 55), fill=(60 + row * 20, 140, 70))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


class Browsing:
    """One person's browser window, which also notes any error the page logs (a CSP refusal, a failed script)."""

    def __init__(self, page: Any, site: Site, shots: Path) -> None:
        self.page = page
        self.site = site
        self.shots = shots
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"{page.url}: {m.text[:60]}"))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    async def open(self, path: str) -> Any:
        return await self.page.goto(self.site.at(path))

    async def shoot(self, name: str) -> None:
        await self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    def text(self, selector: str = "main") -> Any:
        return self.page.locator(selector).inner_text()


async def person(browser: Any, site: Site, shots: Path, **options: Any) -> Browsing:
    context = await browser.new_context(**options)
    return Browsing(await context.new_page(), site, shots)


async def account(site: Site, email: str, password: str) -> None:
    """An account made directly in the database, for tests about something other than signing up."""
    from domain.users import Role, User

    auth = site.container.identity
    user = User(email, "Ada Browser", Role.MEMBER, await auth.hasher.hash(password), auth.clock.now())
    async with auth.uow() as uow:
        await uow.users.add(user)
        await uow.commit()


async def fund(site: Site, project: str, points: int) -> None:
    """An admin grants the project its budget (through the use case the API calls): tasks with points need one."""
    from application.budgets import FundProject, fund_project
    from domain.users import Role, User

    container = site.container
    admin = User(f"root-{project}@browser.test", "Root", Role.ADMIN, "!unusable", container.clock.now())
    async with container.uow() as uow:
        await uow.users.add(admin)
        await uow.commit()
    await fund_project(FundProject(project, points, "Season budget"), admin, container.uow, container.clock)


async def code_from_email(site: Site, email: str, count: int = 1) -> str:
    message = text_part(await site.smtp.wait_for(email, count))
    found = re.search(r"\b(\d{6})\b", message)
    assert found is not None, message
    return found.group(1)


async def sign_up(who: Browsing, email: str, name: str, password: str, *, manager: bool = False) -> None:
    page = who.page
    await who.open("/signup/")
    await page.get_by_label("Email").fill(email)
    await page.get_by_role("button", name="Send code").click()
    await page.get_by_label("Code").wait_for()
    await page.get_by_label("Code").fill(await code_from_email(who.site, email))
    await page.get_by_label("Full name").fill(name)
    await page.get_by_label("Password").fill(password)
    if manager:
        await page.get_by_label("I manage projects").check()
    await who.shoot("signup")
    await page.get_by_role("button", name="Create account").click()
    await page.get_by_text(f"Welcome, {name}!").wait_for()


async def test_a_manager_runs_a_project_and_a_member_earns_points(browser: Any, site: Site, screenshots: Path) -> None:
    omar = await person(browser, site, screenshots)
    await sign_up(omar, "omar@browser.test", "Omar Member", "omar browser pass 1")
    assert await omar.page.get_by_role("link", name="Review").count() == 0

    maya = await person(browser, site, screenshots)
    await sign_up(maya, "maya@browser.test", "Maya Manager", "maya browser pass 1", manager=True)
    page = maya.page
    await maya.open("/projects/")
    await page.get_by_label("Name").fill("Community garden")
    await page.get_by_label("Description").fill("Everything the garden needs this season.")
    await page.get_by_label("Due date").fill((datetime.now(UTC) + timedelta(days=10)).date().isoformat())
    await page.get_by_role("button", name="Create project").click()
    await page.get_by_text("Project “Community garden” created.").wait_for()
    assert page.url.endswith("/projects/community-garden/")
    await fund(site, "community-garden", 7 + 3 + 2)  # what the three tasks below reserve

    await page.get_by_label("Emails").fill("omar@browser.test")
    await page.get_by_role("button", name="Invite").click()
    await page.get_by_text("Invitation sent to omar@browser.test.").wait_for()
    for name, points, image in (
        ("Pull the weeds", "7", picture()),
        ("Water the roses", "3", None),
        ("Rake the leaves", "2", None),
    ):
        await page.get_by_label("Name", exact=True).fill(name)
        await page.get_by_label("Points").fill(points)
        if image:
            await page.get_by_label("Image").set_input_files(
                {"name": "weeds.png", "mimeType": "image/png", "buffer": image}
            )
        await page.get_by_role("button", name="Create task").click()
        await page.get_by_text(f"Task “{name}” created.").wait_for()

    invitation = text_part(await site.smtp.wait_for("omar@browser.test", 2))
    link = re.search(r"(http://\S+/invite_register/\?token=\S+)", invitation)
    assert link is not None, invitation
    await omar.page.goto(link.group(1))
    await omar.shoot("invite_register")
    await omar.page.get_by_label("Password").fill("omar browser pass 1")
    await omar.page.get_by_role("button", name="Sign in and join").click()
    await omar.page.get_by_text("Welcome to Community garden: you joined as a member.").wait_for()

    await maya.open("/projects/community-garden/")
    roses = page.locator("article", has_text="Water the roses")
    await roses.get_by_label("Assign to").select_option(label="Omar Member (omar@browser.test)")
    await roses.get_by_role("button", name="Assign").click()
    await page.get_by_text("Assigned: they have been told by email.").wait_for()
    await maya.shoot("project")
    assigned = text_part(await site.smtp.wait_for("omar@browser.test", 3))
    assert f"{site.url}/tasks/water-the-roses/" in assigned

    # The member claims from the board: htmx swaps the page's content, the page itself stays.
    board = omar.page
    await omar.open("/tasks/")
    await board.evaluate("window.stillTheSamePage = true")
    weeds = board.locator("article", has_text="Pull the weeds")
    await weeds.get_by_role("button", name="Claim").click()
    await board.get_by_text("Claimed. Submit it here when the work is done.").wait_for()
    assert await board.evaluate("window.stillTheSamePage === true")
    await omar.shoot("tasks")
    claim = board.locator("article.claim", has_text="Pull the weeds")
    await claim.get_by_label("Note for the reviewer").fill("All beds are clear.")
    await claim.get_by_role("button", name="Submit").click()
    await board.get_by_text("Submitted for review.").wait_for()
    await board.locator("article.claim", has_text="Water the roses").get_by_role("button", name="Release").click()
    await board.get_by_text("Released: the task is free for someone else.").wait_for()
    assert await board.locator("article.claim").count() == 0
    assert await board.evaluate("window.stillTheSamePage === true")
    await omar.open("/tasks/pull-the-weeds/")
    assert await omar.page.get_by_role("img", name="Image of the task Pull the weeds").is_visible()
    await omar.shoot("task")
    await omar.open("/work/")
    await omar.shoot("work")
    await omar.open("/")
    await omar.shoot("home")

    await maya.open("/")
    await maya.shoot("home_manager")
    await maya.open("/review/")
    await maya.shoot("review")
    submission = page.locator("article", has_text="Pull the weeds")
    await submission.get_by_label("Feedback").fill("Spotless, thank you.")
    await submission.get_by_role("button", name="Approve").click()
    await page.get_by_text("Approved").first.wait_for()

    await omar.open("/")
    badge = omar.page.locator("#unread-badge .badge")
    assert (await badge.inner_text()).split()[0] == "3"  # invited, assigned, approved
    await omar.page.get_by_role("link", name=re.compile("^Notifications")).click()
    await omar.page.get_by_text("Your work on “Pull the weeds” was approved: 7 points credited.").wait_for()
    await omar.shoot("notifications")
    await omar.page.get_by_role("button", name="Mark all read").click()
    await omar.page.get_by_text("Marked 3 as read.").wait_for()
    assert await omar.page.locator("#unread-badge .badge").count() == 0  # the header's badge was swapped too

    await omar.open("/wallet/")
    assert await omar.page.locator("#balance").inner_text() == "7"
    await omar.page.get_by_label("Points", exact=True).fill("2")
    await omar.page.get_by_label("What for").fill("Seeds")
    await omar.page.get_by_role("button", name="Redeem").dblclick()
    await omar.page.get_by_text("Redeemed 2 points. Your balance is 5.").wait_for()
    await omar.open("/wallet/")
    assert await omar.page.locator("#balance").inner_text() == "5"  # a double click debits once
    await omar.shoot("wallet")
    await omar.open("/settings/")
    await omar.shoot("settings")
    errors_so_far = list(omar.errors)
    await omar.open("/no/such/page/")
    await omar.shoot("error_404")
    omar.errors = errors_so_far  # the browser logs the 404 it was asked to show

    phone = await person(browser, site, screenshots, viewport=PHONE)
    await phone.open("/signin/")
    await phone.page.get_by_label("Email").fill("omar@browser.test")
    await phone.page.get_by_label("Password").fill("omar browser pass 1")
    await phone.page.get_by_role("button", name="Sign in").click()
    await phone.page.get_by_text("My work in progress").wait_for()
    await phone.open("/tasks/")
    await phone.shoot("tasks_phone")

    assert omar.errors == [], omar.errors
    assert maya.errors == []


async def test_a_form_without_its_csrf_token_is_refused(browser: Any, site: Site, screenshots: Path) -> None:
    visitor = await person(browser, site, screenshots)
    await visitor.open("/signin/")
    await visitor.shoot("signin")
    await visitor.page.get_by_label("Email").fill("someone@browser.test")
    await visitor.page.get_by_label("Password").fill("whatever it is")
    await visitor.page.evaluate("document.querySelector('input[name=_csrf_token]').remove()")
    async with visitor.page.expect_response(lambda r: r.url.endswith("/signin/")) as refused:
        await visitor.page.get_by_role("button", name="Sign in").click()
    response = await refused.value
    assert response.status == 403
    assert response.headers["content-type"].startswith("text/html")
    await visitor.page.get_by_role("heading", name="Forbidden").wait_for()


async def test_the_session_cookie_is_http_only_and_same_site_lax(browser: Any, site: Site, screenshots: Path) -> None:
    await account(site, "ada@browser.test", "ada browser pass 1")
    visitor = await person(browser, site, screenshots)
    await visitor.open("/signin/")
    assert [c["name"] for c in await visitor.page.context.cookies()] == ["csrftoken"]  # no session before signing in
    await visitor.page.get_by_label("Email").fill("ada@browser.test")
    await visitor.page.get_by_label("Password").fill("ada browser pass 1")
    await visitor.page.get_by_role("button", name="Sign in").click()
    await visitor.page.get_by_text("My work in progress").wait_for()
    cookies = {c["name"]: c for c in await visitor.page.context.cookies()}
    session = cookies["session"]
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Lax"
    assert session["secure"] is False  # FORCE_HTTPS is off here; see test_https.py
    assert await visitor.page.evaluate("document.cookie") == ""  # scripts see neither cookie
