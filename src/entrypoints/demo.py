"""`taskreward demo`: sample accounts, a project and tasks, made through the use cases."""

from __future__ import annotations

import secrets
from datetime import timedelta

from application import accounts, budgets, projects, tasks
from application.budgets import FundProject
from application.projects import CreateProject
from application.tasks import CreateTask
from domain.access import ProjectRole
from domain.projects import Membership
from domain.users import Role, User
from entrypoints.bootstrap import Container

PEOPLE = [
    ("admin@demo.test", "Avery Admin", Role.ADMIN),
    ("manager@demo.test", "Morgan Manager", Role.MANAGER),
    ("nina@demo.test", "Nina Member", Role.MEMBER),
    ("omar@demo.test", "Omar Member", Role.MEMBER),
]


async def load_demo(container: Container) -> dict[str, str]:
    """Returns each demo email with its generated password; running it twice changes nothing."""
    identity, now = container.identity, container.clock.now()
    passwords: dict[str, str] = {}
    users: dict[str, User] = {}
    async with container.uow() as work:
        if await work.users.get_by_email("admin@demo.test") is not None:
            return {}
    for email, name, role in PEOPLE:
        password = f"demo-{secrets.token_urlsafe(9)}"
        if role is Role.ADMIN:
            user, _ = await accounts.create_admin(email, password, name, identity)
        else:
            user = User(
                email, name, role, await identity.hasher.hash(password), now, time_zone=identity.default_time_zone
            )
            async with container.uow() as work:
                await work.users.add(user)
                await work.commit()
        users[email], passwords[email] = user, password
    admin, manager = users["admin@demo.test"], users["manager@demo.test"]
    for name, points, limit in (("Write the onboarding guide", 10, 2), ("Tidy the issue tracker", 3, 5)):
        await tasks.create_public_task(
            CreateTask(name, points=points, claim_limit=limit), admin, container.uow, container.clock
        )
    project = await projects.create_project(
        CreateProject("Website relaunch", "The new public site.", due_date=(now + timedelta(days=30)).date()),
        manager,
        container.uow,
        container.clock,
    )
    async with container.uow() as work:
        for email in ("nina@demo.test", "omar@demo.test"):
            await work.memberships.add(Membership(project.id, users[email].id, ProjectRole.MEMBER, now))
        await work.commit()
    await budgets.fund_project(FundProject(project.slug, 100, "Demo budget"), admin, container.uow, container.clock)
    for name, days in (("Draft the homepage", 2), ("Pick the fonts", 7)):
        cmd = CreateTask(name, points=5, due_date=(now + timedelta(days=days)).date())
        await tasks.create_project_task(project.slug, cmd, manager, container.uow, container.clock)
    return passwords
