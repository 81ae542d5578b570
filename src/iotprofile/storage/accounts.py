"""SqlAccounts: organisations, users, memberships, sessions, API tokens and the audit log, on the repository's database.

Plain storage: hashing passwords and tokens, rate limits and who may do what are decided in
:mod:`iotprofile.services.accounts`. Every method is one transaction; database errors become one-line
:class:`~iotprofile.errors.StorageError` s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, func, insert, or_, select, update

from iotprofile.errors import ExitCode, StorageError
from iotprofile.storage.tables import (
    ApiTokenRow,
    AuditEventRow,
    MembershipRow,
    OrganisationRow,
    SessionRow,
    UserRow,
)

if TYPE_CHECKING:
    from iotprofile.storage.repository import SqlRepository

__all__ = ["ApiToken", "AuditEvent", "Member", "Organisation", "SqlAccounts", "StoredSession", "User"]


class DuplicateError(StorageError):
    """An organisation or user with this ID or e-mail exists already."""


class UnknownAccountError(StorageError):
    """No such organisation, user, membership or token."""

    exit_code = ExitCode.NOT_FOUND


@dataclass(frozen=True, slots=True)
class Organisation:
    """An organisation: the unit of isolation."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class User:
    """A local account (without its password hash, except where a login needs it)."""

    id: int
    email: str
    name: str
    disabled: bool
    password_hash: str = ""


@dataclass(frozen=True, slots=True)
class Member:
    """A user's role in an organisation."""

    user: User
    organisation: str
    role: str


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A live browser session."""

    user: User
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ApiToken:
    """An API token's stored facts (never the token itself)."""

    id: int
    name: str
    user: User
    organisation: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One entry of the audit log."""

    id: int
    at: datetime
    organisation: str | None
    actor: str
    action: str
    object_type: str | None
    object_id: str | None
    ip: str | None
    detail: dict[str, Any]


_USER_COLUMNS = (UserRow.id, UserRow.email, UserRow.name, UserRow.disabled)
#: A session with its user and the user's role in one organisation (outer join: None when not a member).
_SESSION_IN = (
    select(*_USER_COLUMNS, SessionRow.csrf_token, SessionRow.expires_at, MembershipRow.role)
    .join(UserRow, UserRow.id == SessionRow.user_id)
    .outerjoin(
        MembershipRow,
        (MembershipRow.user_id == SessionRow.user_id) & (MembershipRow.organisation_id == bindparam("organisation")),
    )
    .where(
        SessionRow.token_hash == bindparam("token_hash"),
        SessionRow.expires_at > bindparam("now"),
        UserRow.disabled.is_(False),
    )
)


def _user(row: Any, offset: int = 0) -> User:
    return User(id=row[offset], email=row[offset + 1], name=row[offset + 2], disabled=bool(row[offset + 3]))


class SqlAccounts:
    """Accounts and the audit log, in the database of a :class:`~iotprofile.storage.repository.SqlRepository`."""

    def __init__(self, repository: SqlRepository) -> None:
        self._repository = repository

    # -- organisations -------------------------------------------------------------------------------------------

    def create_organisation(self, organisation_id: str, name: str, *, now: datetime) -> Organisation:
        """Add an organisation; :class:`DuplicateError` if the ID is taken."""
        with self._repository.transaction(f"cannot create organisation {organisation_id!r}", write=True) as db:
            if db.scalar(select(OrganisationRow.id).where(OrganisationRow.id == organisation_id)) is not None:
                raise DuplicateError(f"organisation {organisation_id!r} exists already")
            db.execute(insert(OrganisationRow).values(id=organisation_id, name=name, created_at=now))
        return Organisation(organisation_id, name)

    def organisation(self, organisation_id: str) -> Organisation | None:
        """The organisation, or None."""
        with self._repository.transaction("cannot read organisations", write=False) as db:
            row = db.execute(
                select(OrganisationRow.id, OrganisationRow.name).where(OrganisationRow.id == organisation_id)
            ).first()
        return Organisation(row[0], row[1]) if row else None

    def memberships(self, user_id: int) -> list[tuple[Organisation, str]]:
        """The organisations a user belongs to, with the role in each, by organisation ID."""
        statement = (
            select(OrganisationRow.id, OrganisationRow.name, MembershipRow.role)
            .join(MembershipRow, MembershipRow.organisation_id == OrganisationRow.id)
            .where(MembershipRow.user_id == user_id)
            .order_by(OrganisationRow.id)
        )
        with self._repository.transaction("cannot read memberships", write=False) as db:
            return [(Organisation(row[0], row[1]), row[2]) for row in db.execute(statement)]

    def role(self, user_id: int, organisation_id: str) -> str | None:
        """The user's role in the organisation, or None when not a member."""
        statement = select(MembershipRow.role).where(
            MembershipRow.user_id == user_id, MembershipRow.organisation_id == organisation_id
        )
        with self._repository.transaction("cannot read memberships", write=False) as db:
            return db.scalar(statement)

    def members(self, organisation_id: str) -> list[Member]:
        """The organisation's members, by e-mail."""
        statement = (
            select(*_USER_COLUMNS, MembershipRow.role)
            .join(MembershipRow, MembershipRow.user_id == UserRow.id)
            .where(MembershipRow.organisation_id == organisation_id)
            .order_by(UserRow.email)
        )
        with self._repository.transaction("cannot read members", write=False) as db:
            return [Member(_user(row), organisation_id, row[4]) for row in db.execute(statement)]

    def set_role(self, user_id: int, organisation_id: str, role: str) -> None:
        """Make the user a member with this role (or change the role)."""
        with self._repository.transaction("cannot change a membership", write=True) as db:
            changed = db.execute(
                update(MembershipRow)
                .where(MembershipRow.user_id == user_id, MembershipRow.organisation_id == organisation_id)
                .values(role=role)
            ).rowcount
            if not changed:
                db.execute(insert(MembershipRow).values(user_id=user_id, organisation_id=organisation_id, role=role))

    def remove_member(self, user_id: int, organisation_id: str) -> None:
        """End a membership and revoke the user's tokens in that organisation."""
        with self._repository.transaction("cannot change a membership", write=True) as db:
            db.execute(
                delete(MembershipRow).where(
                    MembershipRow.user_id == user_id, MembershipRow.organisation_id == organisation_id
                )
            )
            db.execute(
                update(ApiTokenRow)
                .where(
                    ApiTokenRow.user_id == user_id,
                    ApiTokenRow.organisation_id == organisation_id,
                    ApiTokenRow.revoked_at.is_(None),
                )
                .values(revoked_at=func.now())
            )

    # -- users ---------------------------------------------------------------------------------------------------

    def create_user(self, email: str, name: str, password_hash: str, *, now: datetime) -> User:
        """Add a user; :class:`DuplicateError` if the e-mail is taken."""
        with self._repository.transaction(f"cannot create user {email!r}", write=True) as db:
            if db.scalar(select(UserRow.id).where(UserRow.email == email)) is not None:
                raise DuplicateError(f"a user {email!r} exists already")
            user_id = db.execute(
                insert(UserRow).values(
                    email=email, name=name, password_hash=password_hash, disabled=False, created_at=now
                )
            ).inserted_primary_key
        assert user_id is not None
        return User(id=int(user_id[0]), email=email, name=name, disabled=False)

    def user_by_email(self, email: str) -> User | None:
        """The user with this e-mail, with the password hash (for signing in), or None."""
        statement = select(*_USER_COLUMNS, UserRow.password_hash).where(UserRow.email == email)
        with self._repository.transaction("cannot read users", write=False) as db:
            row = db.execute(statement).first()
        if row is None:
            return None
        return User(id=row[0], email=row[1], name=row[2], disabled=bool(row[3]), password_hash=row[4])

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace a user's password hash (after a rehash or a change)."""
        with self._repository.transaction("cannot change a password", write=True) as db:
            db.execute(update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash))

    # -- sessions ------------------------------------------------------------------------------------------------

    def create_session(self, token_hash: str, user_id: int, csrf_token: str, *, now: datetime,
                       expires_at: datetime) -> None:  # fmt: skip
        """Store a new session (and drop this user's expired ones)."""
        with self._repository.transaction("cannot start a session", write=True) as db:
            db.execute(delete(SessionRow).where(SessionRow.user_id == user_id, SessionRow.expires_at < now))
            db.execute(
                insert(SessionRow).values(
                    token_hash=token_hash, user_id=user_id, csrf_token=csrf_token, created_at=now, expires_at=expires_at
                )
            )

    def session_in(
        self, token_hash: str, organisation_id: str, *, now: datetime
    ) -> tuple[StoredSession, str | None] | None:
        """The live session and its user's role in an organisation (None: not a member), in one query.

        Every page request asks this first, so it is one pre-built statement on the primary key.
        """
        with self._repository.transaction("cannot read the session", write=False) as db:
            row = db.execute(
                _SESSION_IN, {"token_hash": token_hash, "organisation": organisation_id, "now": now}
            ).first()
        return (StoredSession(_user(row), row[4], row[5]), row[6]) if row else None

    def session(self, token_hash: str, *, now: datetime) -> StoredSession | None:
        """The live session with this token hash (its user not disabled), or None."""
        statement = (
            select(*_USER_COLUMNS, SessionRow.csrf_token, SessionRow.expires_at)
            .join(UserRow, UserRow.id == SessionRow.user_id)
            .where(SessionRow.token_hash == token_hash, SessionRow.expires_at > now, UserRow.disabled.is_(False))
        )
        with self._repository.transaction("cannot read the session", write=False) as db:
            row = db.execute(statement).first()
        return StoredSession(_user(row), row[4], row[5]) if row else None

    def end_session(self, token_hash: str) -> None:
        """Delete a session (signing out)."""
        with self._repository.transaction("cannot end the session", write=True) as db:
            db.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash))

    def end_sessions_of(self, user_id: int) -> None:
        """Delete every session of a user (after a password change)."""
        with self._repository.transaction("cannot end sessions", write=True) as db:
            db.execute(delete(SessionRow).where(SessionRow.user_id == user_id))

    # -- API tokens ----------------------------------------------------------------------------------------------

    def create_token(self, token_hash: str, *, user_id: int, organisation_id: str, name: str, now: datetime,
                     expires_at: datetime | None) -> int:  # fmt: skip
        """Store a new API token's hash; returns its ID."""
        with self._repository.transaction("cannot create a token", write=True) as db:
            key = db.execute(
                insert(ApiTokenRow).values(
                    token_hash=token_hash,
                    user_id=user_id,
                    organisation_id=organisation_id,
                    name=name,
                    created_at=now,
                    expires_at=expires_at,
                    revoked_at=None,
                )
            ).inserted_primary_key
        assert key is not None
        return int(key[0])

    def token(self, token_hash: str, *, now: datetime) -> tuple[ApiToken, str] | None:
        """A usable token (not revoked, not expired, its user enabled and still a member) and the member's role."""
        statement = (
            select(
                ApiTokenRow.id,
                ApiTokenRow.name,
                ApiTokenRow.organisation_id,
                ApiTokenRow.created_at,
                ApiTokenRow.expires_at,
                *_USER_COLUMNS,
                MembershipRow.role,
            )
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .join(
                MembershipRow,
                (MembershipRow.user_id == ApiTokenRow.user_id)
                & (MembershipRow.organisation_id == ApiTokenRow.organisation_id),
            )
            .where(
                ApiTokenRow.token_hash == token_hash,
                ApiTokenRow.revoked_at.is_(None),
                or_(ApiTokenRow.expires_at.is_(None), ApiTokenRow.expires_at > now),
                UserRow.disabled.is_(False),
            )
        )
        with self._repository.transaction("cannot read the token", write=False) as db:
            row = db.execute(statement).first()
        if row is None:
            return None
        token = ApiToken(row[0], row[1], _user(row, 5), row[2], row[3], row[4], None)
        return token, row[9]

    def tokens(self, organisation_id: str, *, user_id: int | None = None) -> list[ApiToken]:
        """The organisation's tokens (or one user's there), newest first, revoked ones included."""
        statement = (
            select(
                ApiTokenRow.id,
                ApiTokenRow.name,
                ApiTokenRow.organisation_id,
                ApiTokenRow.created_at,
                ApiTokenRow.expires_at,
                ApiTokenRow.revoked_at,
                *_USER_COLUMNS,
            )
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(ApiTokenRow.organisation_id == organisation_id)
            .order_by(ApiTokenRow.id.desc())
        )
        if user_id is not None:
            statement = statement.where(ApiTokenRow.user_id == user_id)
        with self._repository.transaction("cannot read tokens", write=False) as db:
            rows = db.execute(statement).all()
        return [ApiToken(row[0], row[1], _user(row, 6), row[2], row[3], row[4], row[5]) for row in rows]

    def revoke_token(self, token_id: int, organisation_id: str, *, now: datetime, user_id: int | None = None) -> bool:
        """Revoke a token of the organisation (only the user's own when ``user_id`` is given); False if none."""
        statement = (
            update(ApiTokenRow)
            .where(
                ApiTokenRow.id == token_id,
                ApiTokenRow.organisation_id == organisation_id,
                ApiTokenRow.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        if user_id is not None:
            statement = statement.where(ApiTokenRow.user_id == user_id)
        with self._repository.transaction("cannot revoke the token", write=True) as db:
            return bool(db.execute(statement).rowcount)

    # -- audit log -----------------------------------------------------------------------------------------------

    def audit(self, *, at: datetime, actor: str, action: str, organisation_id: str | None = None,
              object_type: str | None = None, object_id: str | None = None, ip: str | None = None,
              detail: dict[str, Any] | None = None) -> None:  # fmt: skip
        """Append one event to the audit log."""
        with self._repository.transaction("cannot write the audit log", write=True) as db:
            db.execute(
                insert(AuditEventRow).values(
                    at=at,
                    actor=actor,
                    action=action,
                    organisation_id=organisation_id,
                    object_type=object_type,
                    object_id=object_id,
                    ip=ip,
                    detail=detail or {},
                )
            )

    def events(self, organisation_id: str, *, limit: int = 100, offset: int = 0,
               object_type: str | None = None, object_id: str | None = None) -> list[AuditEvent]:  # fmt: skip
        """The organisation's audit events, newest first (optionally those of one object)."""
        statement = (
            select(AuditEventRow)
            .where(AuditEventRow.organisation_id == organisation_id)
            .order_by(AuditEventRow.at.desc(), AuditEventRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        if object_type is not None:
            statement = statement.where(AuditEventRow.object_type == object_type)
        if object_id is not None:
            statement = statement.where(AuditEventRow.object_id == object_id)
        with self._repository.transaction("cannot read the audit log", write=False) as db:
            rows = db.execute(statement).all()
        return [
            AuditEvent(
                row.id,
                row.at,
                row.organisation_id,
                row.actor,
                row.action,
                row.object_type,
                row.object_id,
                row.ip,
                dict(row.detail or {}),
            )
            for row in rows
        ]

    def count_events(self, action: str, *, since: datetime, actor: str | None = None, ip: str | None = None) -> int:
        """How many events of this action since a time, by this actor or from this address (rate limits)."""
        statement = select(func.count()).where(AuditEventRow.action == action, AuditEventRow.at >= since)
        who = [AuditEventRow.actor == actor] if actor is not None else []
        who += [AuditEventRow.ip == ip] if ip is not None else []
        if who:
            statement = statement.where(or_(*who))
        with self._repository.transaction("cannot read the audit log", write=False) as db:
            return int(db.scalar(statement) or 0)
