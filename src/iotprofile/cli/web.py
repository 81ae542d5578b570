"""``iotprofile serve`` (the web app) and ``iotprofile user ...`` (accounts, for the first administrator and CI)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from iotprofile.cli.app import _run, _State, app
from iotprofile.cli.assess import DbOption

user_app = typer.Typer(help="Local accounts of the web app: create users, add them to organisations, API tokens.",
                       no_args_is_help=True)  # fmt: skip
app.add_typer(user_app, name="user")

_ROLES = ("viewer", "assessor", "editor", "admin")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    db: DbOption = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Working files of check runs and profile builds.")
    ] = None,
    workers: Annotated[int, typer.Option(help="Server processes (each opens the database and catalogs).")] = 1,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Force Secure cookies on or off (default: Secure when the request came over HTTPS).",
        ),
    ] = None,
    proxy_headers: Annotated[
        bool, typer.Option(help="Trust X-Forwarded-For/-Proto from the proxy in front (for HTTPS termination).")
    ] = False,
    max_upload_mb: Annotated[int, typer.Option(help="Largest upload (SBOM, firmware, evidence), in MiB.")] = 64,
    access_log: Annotated[
        bool, typer.Option(help="Log every request (off: the proxy in front logs requests, the audit log changes).")
    ] = False,
    vulndb: Annotated[
        Path | None,
        typer.Option("--vulndb", help="Vulnerability database for SBOM check runs (see 'iotprofile vulndb refresh')."),
    ] = None,
) -> None:
    """Run the web app: pages for the team, and the REST API under /api/v1 (OpenAPI at /api/v1/openapi.json).

    Create the first administrator with 'iotprofile user create' first.
    """
    import os

    import uvicorn

    from iotprofile.web.settings import WebSettings

    settings = WebSettings(
        database_url=db,
        catalog_dirs=tuple(_State.catalog_dirs),
        data_dir=data_dir,
        secure_cookies=secure_cookies,
        max_upload_bytes=max_upload_mb * 1024 * 1024,
        vulndb=vulndb,
    )
    if workers > 1:
        # Several processes need an import string; the settings travel in the environment.
        from iotprofile.web.factory import SETTINGS_ENV, settings_to_env

        os.environ[SETTINGS_ENV] = settings_to_env(settings)
        uvicorn.run("iotprofile.web.factory:app_from_env", factory=True, host=host, port=port, workers=workers,
                    proxy_headers=proxy_headers, server_header=False, log_level="info",
                    access_log=access_log)  # fmt: skip
        return
    from iotprofile.web.app import create_app

    application = _run(lambda: create_app(settings))
    uvicorn.run(application, host=host, port=port, proxy_headers=proxy_headers, server_header=False, log_level="info",
                access_log=access_log)  # fmt: skip


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="E-mail address: the login name.")],
    org: Annotated[str, typer.Option("--org", help="Organisation (a slug such as acme-labs); created when new.")],
    name: Annotated[str | None, typer.Option(help="Display name (default: the e-mail).")] = None,
    org_name: Annotated[str | None, typer.Option("--org-name", help="The new organisation's display name.")] = None,
    role: Annotated[str, typer.Option(help="Role in the organisation: " + ", ".join(_ROLES) + ".")] = "admin",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    db: DbOption = None,
) -> None:
    """Create a user (the first administrator, typically) and make them a member of an organisation."""
    from iotprofile.services.accounts import Role, create_user
    from iotprofile.services.products import open_repository

    chosen = _role(role)
    password = _password(password_stdin)

    def action() -> str:
        with open_repository(db) as repository:
            user = create_user(repository, email=email, name=name or email, password=password, organisation=org,
                               organisation_name=org_name, role=Role(chosen))  # fmt: skip
            return user.email

    created = _run(action)
    sys.stdout.write(f"created {created}: {chosen} of {org}\n")


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Option(help="An existing user's e-mail.")],
    org: Annotated[str, typer.Option("--org", help="Organisation; created when new.")],
    role: Annotated[str, typer.Option(help="Role: " + ", ".join(_ROLES) + ".")] = "viewer",
    db: DbOption = None,
) -> None:
    """Add an existing user to an organisation, or change their role there."""
    from iotprofile.services.accounts import add_member_as_operator
    from iotprofile.services.products import open_repository

    chosen = _role(role)

    def action() -> None:
        with open_repository(db) as repository:
            add_member_as_operator(repository, email=email, organisation=org, role=chosen)

    _run(action)
    sys.stdout.write(f"{email} is {chosen} of {org}\n")


@user_app.command("token")
def user_token(
    email: Annotated[str, typer.Option(help="The user the token acts as.")],
    org: Annotated[str, typer.Option("--org", help="The organisation the token is for.")],
    name: Annotated[str, typer.Option(help="What the token is for, e.g. 'CI'.")] = "CLI token",
    days: Annotated[int | None, typer.Option(help="Lifetime in days (default: until revoked).")] = None,
    db: DbOption = None,
) -> None:
    """Create an API token for CI (printed once: store it as a secret)."""
    from iotprofile.services.accounts import operator_token
    from iotprofile.services.products import open_repository

    def action() -> str:
        with open_repository(db) as repository:
            return operator_token(repository, email=email, organisation=org, name=name, days=days).secret

    secret = _run(action)
    sys.stdout.write(secret + "\n")


def _role(role: str) -> str:
    if role not in _ROLES:
        sys.stderr.write(f"error: unknown role {role!r} (tip: use one of {', '.join(_ROLES)})\n")
        raise typer.Exit(2)
    return role
