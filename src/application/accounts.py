"""Account use cases: prove an email, register, create the first admin, change a password."""

from __future__ import annotations

from dataclasses import dataclass

from application import limits
from application.identity import Identity, issue_new_session, user_changed
from application.sign_ins import end_sign_ins
from domain.account_events import AccountRegistered, AdminEnsured, PasswordChanged, SignUpOfExistingAccount
from domain.errors import EmailTaken, EmailTokenInvalid, InvalidCredentials, OtpInvalid
from domain.sessions import TokenPair
from domain.sign_ins import Client, SignInKind
from domain.users import Role, User, check_full_name, check_password_policy, normalize_email
from domain.verification import (
    EmailOtp,
    EmailToken,
    generate_otp,
    generate_secret_token,
    token_digest,
)


@dataclass(frozen=True)
class SendOtp:
    email: str
    client_address: str


@dataclass(frozen=True)
class VerifyOtp:
    email: str
    otp: str
    client_address: str = "unknown"


@dataclass(frozen=True)
class Register:
    email_token: str
    password: str
    full_name: str
    role: Role = Role.MEMBER


@dataclass(frozen=True)
class ChangePassword:
    user: User
    current_password: str
    new_password: str
    kind: SignInKind = SignInKind.API
    client: Client | None = None


async def send_otp(cmd: SendOtp, deps: Identity) -> None:
    """Mails a code to a new address. Known addresses get a notice instead; the answer is the same."""
    email = normalize_email(cmd.email)
    # Per (address, account): a stranger's sends never hold back the owner's own, from their address.
    pair = f"{email}|{cmd.client_address}"
    await limits.cool_down(deps.limiter, "otp-send", pair, limits.OTP_SEND_COOLDOWN_SECONDS)
    await limits.consume(deps.limiter, deps.limits.otp_send_checks(email, cmd.client_address))
    now = deps.clock.now()
    async with deps.uow() as uow:
        existing = await uow.users.get_by_email(email)
        if existing is not None:
            existing.record(SignUpOfExistingAccount(at=now, email=email))
        else:
            code = generate_otp()
            await uow.otps.add(EmailOtp.issue(email, code, deps.digest(code), now))
        await uow.commit()


async def verify_otp(cmd: VerifyOtp, deps: Identity) -> str:
    """Spends a correct code and returns the email token that registration asks for."""
    email = normalize_email(cmd.email)
    checks: list[limits.Check] = [
        (limits.OTP_VERIFY_FAILURES_HOURLY, email),
        (limits.OTP_VERIFY_FAILURES_PER_ADDRESS_HOURLY, cmd.client_address),
    ]
    await limits.start_attempt(deps.limiter, checks)
    now = deps.clock.now()
    async with deps.uow() as uow:
        otp = await uow.otps.latest_for(email, for_update=True)
        if otp is None:
            raise OtpInvalid(field="otp")
        matched = otp.try_code(deps.digest(cmd.otp), now)
        await uow.otps.update(otp)
        token = generate_secret_token()
        if matched:
            await uow.email_tokens.add(EmailToken.issue(email, token_digest(token), now))
        await uow.commit()
    if not matched:
        raise OtpInvalid(field="otp")
    await limits.forgive_attempt(deps.limiter, checks)
    return token


async def register(cmd: Register, deps: Identity) -> User:
    full_name = check_full_name(cmd.full_name)
    if cmd.role is Role.ADMIN:
        raise EmailTokenInvalid("Admins are created from the command line.")
    digest = token_digest(cmd.email_token)
    async with deps.uow() as uow:
        seen = await uow.email_tokens.get_by_digest(digest)
    if seen is None:
        raise EmailTokenInvalid(field="email_token")
    check_password_policy(cmd.password, email=seen.email)
    # Hashed before the transaction: argon2 is slow, and a transaction on SQLite holds the write lock.
    password_hash = await deps.hasher.hash(cmd.password)
    now = deps.clock.now()
    async with deps.uow() as uow:
        token = await uow.email_tokens.get_by_digest(digest, for_update=True)
        if token is None:
            raise EmailTokenInvalid(field="email_token")
        token.spend(now)
        if await uow.users.get_by_email(token.email) is not None:
            raise EmailTaken()
        user = User(
            email=token.email,
            full_name=full_name,
            role=cmd.role,
            password_hash=password_hash,
            created_at=now,
            time_zone=deps.default_time_zone,
        )
        await uow.email_tokens.update(token)
        await uow.users.add(user)
        user.record(AccountRegistered(at=now, user_id=user.id, role=cmd.role.value))
        await uow.commit()
    return user


class NotAnAdmin(EmailTaken):
    """create-admin met an account that is not an admin, and was not told to promote it."""

    code = "not_an_admin"


async def create_admin(
    email: str, password: str, full_name: str, deps: Identity, *, promote: bool = False, reset_password: bool = False
) -> tuple[User, bool]:
    """Makes sure an active admin with this email exists; returns it and whether anything changed.

    Never takes an account over silently: an existing non-admin is promoted only when `promote` says so,
    and an existing account's password is replaced only when `reset_password` says so.
    """
    email = normalize_email(email)
    check_password_policy(password, email=email)
    now = deps.clock.now()
    async with deps.uow() as uow:
        user = await uow.users.get_by_email(email, for_update=True)
        if user is None:
            user = User(
                email=email,
                full_name=check_full_name(full_name),
                role=Role.ADMIN,
                password_hash=await deps.hasher.hash(password),
                created_at=now,
                time_zone=deps.default_time_zone,
            )
            await uow.users.add(user)
        else:
            if not user.is_admin and not promote:
                raise NotAnAdmin("An account with this email exists and is not an admin.")
            changes = [not user.is_admin, not user.is_active]
            user.change_role(Role.ADMIN)
            user.activate()
            if reset_password and not await deps.hasher.verify(user.password_hash, password):
                user.change_password_hash(await deps.hasher.hash(password))
                changes.append(True)
            if not any(changes):
                return user, False
            await uow.users.update(user)
            await end_sign_ins(uow, user.id, now)
        user.record(AdminEnsured(at=now, user_id=user.id))
        await uow.commit()
    await user_changed(deps.signed_in, user.id)
    return user, True


async def change_password(cmd: ChangePassword, deps: Identity) -> TokenPair:
    """Ends every session of the user and hands back a fresh one for the caller."""
    checks: list[limits.Check] = [(limits.PASSWORD_CHANGE_FAILURES_PER_MINUTE, str(cmd.user.id))]
    await limits.start_attempt(deps.limiter, checks)
    if not await deps.hasher.verify(cmd.user.password_hash, cmd.current_password):
        raise InvalidCredentials("The current password is wrong.")
    await limits.forgive_attempt(deps.limiter, checks)
    check_password_policy(cmd.new_password, email=cmd.user.email)
    new_hash = await deps.hasher.hash(cmd.new_password)
    now = deps.clock.now()
    async with deps.uow() as uow:
        user = await uow.users.get(cmd.user.id, for_update=True)
        if user is None:
            raise InvalidCredentials()
        user.change_password_hash(new_hash)
        await uow.users.update(user)
        await end_sign_ins(uow, user.id, now)
        pair = await issue_new_session(uow, user, deps, cmd.kind, cmd.client)
        user.record(PasswordChanged(at=now, user_id=user.id))
        await uow.commit()
    await user_changed(deps.signed_in, user.id)
    return pair
