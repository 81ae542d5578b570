"""Use cases for accounts: users, organisations, roles, signing in, sessions, API tokens and the audit log.

Shared by the web app and ``iotprofile user``. Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's
second recommended option); sessions and API tokens are random 256-bit secrets of which only the SHA-256 is stored.
Sign-in failures are audit events, and the rate limit counts them, so it holds across server processes.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from iotprofile.errors import AccountError, AuthenticationError, PermissionDeniedError, RateLimitedError
from iotprofile.storage.tables import DEFAULT_ORGANISATION

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from iotprofile.storage.accounts import ApiToken, Member, SqlAccounts, StoredSession, User
    from iotprofile.storage.repository import SqlRepository

__all__ = [
    "ORGANISATION_ID_PATTERN",
    "SESSION_LIFETIME",
    "Permission",
    "Principal",
    "Role",
    "accounts",
    "allowed",
    "create_token",
    "create_user",
    "require",
    "sign_in",
]

#: How long a browser session lasts (an absolute limit; signing in again starts a new one).
SESSION_LIFETIME = timedelta(hours=12)
#: Sign-in rate limit (OWASP ASVS 5.0 6.3.1 / NIST SP 800-63B 5.2.2): failures counted over this window...
FAILURE_WINDOW = timedelta(minutes=15)
#: ...at most this many per account...
MAX_FAILURES_PER_ACCOUNT = 5
#: ...and this many from one address (many accounts tried from one place).
MAX_FAILURES_PER_ADDRESS = 20
#: Passwords: NIST SP 800-63B asks for at least 8 characters and allows long ones; 12 is our floor.
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
#: Organisation IDs are slugs, used in URLs.
ORGANISATION_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
_ORGANISATION_ID = re.compile(ORGANISATION_ID_PATTERN)
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
#: Prefix of API tokens, so secret scanners can recognise a leaked one.
TOKEN_PREFIX = "iotp_"  # noqa: S105 (a prefix, not a secret)


class Role(StrEnum):
    """Roles in an organisation (issue 6)."""

    #: Reads everything in the organisation.
    VIEWER = "viewer"
    #: Records verdicts and evidence, runs checks.
    ASSESSOR = "assessor"
    #: Models products, attaches evidence, runs checks, reviews profile builds.
    EDITOR = "editor"
    #: Everything, plus members, everyone's tokens and the audit log.
    ADMIN = "admin"


class Permission(StrEnum):
    """What a request may need."""

    READ = "read"
    EDIT_PRODUCTS = "edit_products"
    RECORD_VERDICTS = "record_verdicts"
    ADD_EVIDENCE = "add_evidence"
    RUN_CHECKS = "run_checks"
    REVIEW_PROFILES = "review_profiles"
    MANAGE_MEMBERS = "manage_members"
    READ_AUDIT_LOG = "read_audit_log"


#: The permission matrix. An editor attaches evidence without deciding a verdict; an assessor decides verdicts but
#: does not change the product being assessed (separation of duties, as test labs work).
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({Permission.READ}),
    Role.ASSESSOR: frozenset(
        {Permission.READ, Permission.RECORD_VERDICTS, Permission.ADD_EVIDENCE, Permission.RUN_CHECKS}
    ),
    Role.EDITOR: frozenset(
        {
            Permission.READ,
            Permission.EDIT_PRODUCTS,
            Permission.ADD_EVIDENCE,
            Permission.RUN_CHECKS,
            Permission.REVIEW_PROFILES,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}


def allowed(role: Role, permission: Permission) -> bool:
    """Whether the role grants the permission."""
    return permission in ROLE_PERMISSIONS[role]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking, in which organisation, with which role; from a session or an API token."""

    user: User
    organisation: str
    role: Role
    #: The API token's ID when the request came with one.
    token_id: int | None = None

    @property
    def actor(self) -> str:
        """The name the audit log and verdict records use: the e-mail, with the token for token requests."""
        return self.user.email if self.token_id is None else f"{self.user.email} (token {self.token_id})"


def require(principal: Principal, permission: Permission) -> None:
    """Raise :class:`PermissionDeniedError` unless the principal's role grants the permission."""
    if not allowed(principal.role, permission):
        raise PermissionDeniedError(
            f"the {principal.role.value} role cannot {permission.value.replace('_', ' ')}",
            where=f"organisation {principal.organisation}",
        )


@cache
def _hasher() -> PasswordHasher:
    # argon2-cffi is imported on first use; its defaults are RFC 9106's low-memory recommendation (argon2id).
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    # Checked against for unknown e-mails, so a sign-in takes as long whether or not the account exists.
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_secret(secret: str) -> str:
    """SHA-256 of a session or API token (256 random bits need no slow hash)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


def accounts(repository: SqlRepository) -> SqlAccounts:
    """The accounts store on the repository's database."""
    from iotprofile.storage.accounts import SqlAccounts

    return SqlAccounts(repository)


def check_password(password: str) -> None:
    """Refuse passwords outside the length limits (NIST SP 800-63B: length, not composition rules)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password is shorter than {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password is longer than {MAX_PASSWORD_LENGTH} characters")


def normalise_email(email: str) -> str:
    """The e-mail as stored and compared: trimmed and lower-cased; :class:`AccountError` if it is not one."""
    cleaned = email.strip().lower()
    if not _EMAIL.match(cleaned):
        raise AccountError(f"{email!r} is not an e-mail address")
    return cleaned


def check_organisation_id(organisation_id: str) -> str:
    """The organisation ID, checked to be a slug."""
    if not _ORGANISATION_ID.match(organisation_id):
        raise AccountError(
            f"organisation ID {organisation_id!r} is not a slug",
            tip="use lower-case letters, digits and dashes, e.g. acme-labs",
        )
    return organisation_id


def create_user(repository: SqlRepository, *, email: str, name: str, password: str,
                organisation: str = DEFAULT_ORGANISATION, organisation_name: str | None = None,
                role: Role = Role.ADMIN, actor: str = "cli", ip: str | None = None) -> User:  # fmt: skip
    """Create a user and make them a member of ``organisation`` (created when new) with ``role``."""
    store = accounts(repository)
    email = normalise_email(email)
    check_password(password)
    check_organisation_id(organisation)
    if not name.strip():
        raise AccountError("the user's name is empty")
    at = now()
    if store.organisation(organisation) is None:
        store.create_organisation(organisation, organisation_name or organisation, now=at)
        store.audit(at=at, actor=actor, action="organisation.create", organisation_id=organisation,
                    object_type="organisation", object_id=organisation, ip=ip)  # fmt: skip
    user = store.create_user(email, name.strip(), _hasher().hash(password), now=at)
    store.set_role(user.id, organisation, role.value)
    store.audit(at=at, actor=actor, action="user.create", organisation_id=organisation, object_type="user",
                object_id=email, ip=ip, detail={"role": role.value})  # fmt: skip
    return user


def add_member(repository: SqlRepository, principal: Principal, *, email: str, role: Role, ip: str | None = None,
               name: str | None = None, password: str | None = None) -> User:  # fmt: skip
    """Add a user to the principal's organisation, or change a member's role.

    A new user needs ``name`` and ``password``; an existing one keeps theirs.
    """
    require(principal, Permission.MANAGE_MEMBERS)
    store = accounts(repository)
    email = normalise_email(email)
    user = store.user_by_email(email)
    if user is None:
        if not name or not password:
            raise AccountError(f"no user {email!r} exists", tip="give a name and a first password to create one")
        return create_user(repository, email=email, name=name, password=password,
                           organisation=principal.organisation, role=role, actor=principal.actor, ip=ip)  # fmt: skip
    if user.id == principal.user.id and role is not Role.ADMIN:
        raise AccountError("you cannot lower your own role", tip="ask another administrator")
    store.set_role(user.id, principal.organisation, role.value)
    store.audit(at=now(), actor=principal.actor, action="member.set_role", organisation_id=principal.organisation,
                object_type="user", object_id=email, ip=ip, detail={"role": role.value})  # fmt: skip
    return user


def members(repository: SqlRepository, principal: Principal) -> list[Member]:
    """The members of the principal's organisation."""
    require(principal, Permission.READ)
    return accounts(repository).members(principal.organisation)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new browser session: the cookie value (shown once) and its CSRF token."""

    token: str
    csrf_token: str
    user: User
    expires_at: datetime


def sign_in(repository: SqlRepository, email: str, password: str, *, ip: str | None) -> SignedIn:
    """Check the password and start a session; failures are audited and rate-limited per account and address."""
    store = accounts(repository)
    tried = email.strip().lower()[:320]
    at = now()
    since = at - FAILURE_WINDOW
    if store.count_events("login.failed", since=since, actor=tried) >= MAX_FAILURES_PER_ACCOUNT or (
        ip is not None and store.count_events("login.failed", since=since, ip=ip) >= MAX_FAILURES_PER_ADDRESS
    ):
        raise RateLimitedError(
            "too many failed sign-ins; try again later",
            retry_after=int(FAILURE_WINDOW.total_seconds()),
        )
    user = store.user_by_email(tried)
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        _hasher().verify(user.password_hash if user else _dummy_hash(), password)
        verified = user is not None and not user.disabled
    except (VerificationError, InvalidHashError):
        verified = False
    if not verified or user is None:
        store.audit(at=at, actor=tried, action="login.failed", ip=ip)
        raise AuthenticationError("wrong e-mail or password")
    if _hasher().check_needs_rehash(user.password_hash):
        store.set_password_hash(user.id, _hasher().hash(password))
    token = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    expires_at = at + SESSION_LIFETIME
    store.create_session(hash_secret(token), user.id, csrf_token, now=at, expires_at=expires_at)
    store.audit(at=at, actor=user.email, action="login.success", ip=ip)
    return SignedIn(token, csrf_token, user, expires_at)


def session(repository: SqlRepository, token: str) -> StoredSession | None:
    """The live session of a cookie value, or None."""
    return accounts(repository).session(hash_secret(token), now=now())


def sign_out(repository: SqlRepository, token: str, *, ip: str | None) -> None:
    """End a session."""
    store = accounts(repository)
    live = store.session(hash_secret(token), now=now())
    store.end_session(hash_secret(token))
    if live is not None:
        store.audit(at=now(), actor=live.user.email, action="logout", ip=ip)


def session_principal(
    repository: SqlRepository, token: str, organisation: str
) -> tuple[StoredSession | None, Principal | None]:
    """The live session of a cookie value and its user's principal in an organisation (None: not a member)."""
    found = accounts(repository).session_in(hash_secret(token), organisation, now=now())
    if found is None:
        return None, None
    stored, role = found
    return stored, Principal(stored.user, organisation, Role(role)) if role else None


def token_principal(repository: SqlRepository, token: str) -> Principal | None:
    """The principal of a usable API token, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    found = accounts(repository).token(hash_secret(token), now=now())
    if found is None:
        return None
    stored, role = found
    return Principal(stored.user, stored.organisation, Role(role), token_id=stored.id)


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token just created: the secret is shown once and never stored."""

    id: int
    name: str
    secret: str
    expires_at: datetime | None


def create_token(repository: SqlRepository, principal: Principal, *, name: str, days: int | None = None,
                 ip: str | None = None) -> NewToken:  # fmt: skip
    """Create an API token acting as the principal's user in the principal's organisation."""
    require(principal, Permission.READ)
    name = name.strip()
    if not name or len(name) > 100:
        raise AccountError("a token needs a name of 1 to 100 characters")
    if days is not None and not 1 <= days <= 3650:
        raise AccountError("a token's lifetime is 1 to 3650 days")
    if principal.token_id is not None:
        raise PermissionDeniedError("an API token cannot create tokens", tip="sign in to create one")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    at = now()
    expires_at = at + timedelta(days=days) if days else None
    store = accounts(repository)
    token_id = store.create_token(hash_secret(secret), user_id=principal.user.id,
                                  organisation_id=principal.organisation, name=name, now=at,
                                  expires_at=expires_at)  # fmt: skip
    store.audit(at=at, actor=principal.actor, action="token.create", organisation_id=principal.organisation,
                object_type="token", object_id=str(token_id), ip=ip, detail={"name": name})  # fmt: skip
    return NewToken(token_id, name, secret, expires_at)


def tokens(repository: SqlRepository, principal: Principal) -> list[ApiToken]:
    """The tokens the principal may see: every token of the organisation for an admin, else their own."""
    own = None if allowed(principal.role, Permission.MANAGE_MEMBERS) else principal.user.id
    return accounts(repository).tokens(principal.organisation, user_id=own)


def revoke_token(repository: SqlRepository, principal: Principal, token_id: int, *, ip: str | None = None) -> None:
    """Revoke a token (an admin any of the organisation's, others their own); AuthenticationError-free 404 if none."""
    own = None if allowed(principal.role, Permission.MANAGE_MEMBERS) else principal.user.id
    store = accounts(repository)
    if not store.revoke_token(token_id, principal.organisation, now=now(), user_id=own):
        from iotprofile.storage.accounts import UnknownAccountError

        raise UnknownAccountError(f"no token {token_id} to revoke")
    store.audit(at=now(), actor=principal.actor, action="token.revoke", organisation_id=principal.organisation,
                object_type="token", object_id=str(token_id), ip=ip)  # fmt: skip


def audit(repository: SqlRepository, principal: Principal, action: str, *, object_type: str, object_id: str,
          ip: str | None = None, detail: dict[str, Any] | None = None) -> None:  # fmt: skip
    """Append a change made by the principal to the audit log."""
    accounts(repository).audit(at=now(), actor=principal.actor, action=action, organisation_id=principal.organisation,
                               object_type=object_type, object_id=object_id, ip=ip, detail=detail)  # fmt: skip


# ------------------------------------------------------------------------------------ operator (CLI) use cases


def add_member_as_operator(repository: SqlRepository, *, email: str, organisation: str, role: str) -> None:
    """Add an existing user to an organisation (created when new) with a role: the CLI's ``user add``."""
    store = accounts(repository)
    user = store.user_by_email(normalise_email(email))
    if user is None:
        from iotprofile.storage.accounts import UnknownAccountError

        raise UnknownAccountError(f"no user {email!r} exists", tip="create one with 'iotprofile user create'")
    check_organisation_id(organisation)
    at = now()
    if store.organisation(organisation) is None:
        store.create_organisation(organisation, organisation, now=at)
        store.audit(at=at, actor="cli", action="organisation.create", organisation_id=organisation,
                    object_type="organisation", object_id=organisation)  # fmt: skip
    store.set_role(user.id, organisation, Role(role).value)
    store.audit(at=at, actor="cli", action="member.set_role", organisation_id=organisation, object_type="user",
                object_id=user.email, detail={"role": role})  # fmt: skip


def operator_token(repository: SqlRepository, *, email: str, organisation: str, name: str,
                   days: int | None = None) -> NewToken:  # fmt: skip
    """An API token for a member, created from the command line (which has the database, so full rights)."""
    store = accounts(repository)
    user = store.user_by_email(normalise_email(email))
    role = store.role(user.id, organisation) if user else None
    if user is None or role is None:
        from iotprofile.storage.accounts import UnknownAccountError

        raise UnknownAccountError(f"{email!r} is not a member of organisation {organisation!r}")
    return create_token(repository, Principal(user, organisation, Role(role)), name=name, days=days)


def remove_member(repository: SqlRepository, principal: Principal, *, email: str, ip: str | None = None) -> None:
    """End a member's membership of the principal's organisation (admins; not themselves)."""
    require(principal, Permission.MANAGE_MEMBERS)
    store = accounts(repository)
    email = normalise_email(email)
    user = store.user_by_email(email)
    if user is None or store.role(user.id, principal.organisation) is None:
        from iotprofile.storage.accounts import UnknownAccountError

        raise UnknownAccountError(f"{email!r} is not a member of {principal.organisation}")
    if user.id == principal.user.id:
        raise AccountError("you cannot remove yourself", tip="ask another administrator")
    store.remove_member(user.id, principal.organisation)
    store.audit(at=now(), actor=principal.actor, action="member.remove", organisation_id=principal.organisation,
                object_type="user", object_id=email, ip=ip)  # fmt: skip
