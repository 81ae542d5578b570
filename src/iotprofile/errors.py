"""The exception hierarchy: one root, one base per area.

The CLI catches only :class:`IotprofileError` and its subclasses, prints :meth:`IotprofileError.one_line`
and exits with :attr:`IotprofileError.exit_code`. Everything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented process exit codes of the ``iotprofile`` command."""

    OK = 0
    #: An unexpected internal error (a bug): the traceback is printed.
    INTERNAL = 1
    #: The command line itself is wrong (unknown option, missing argument). Typer/Click use 2.
    USAGE = 2
    #: Input data is malformed or inconsistent (a catalog, mapping, product or results file).
    INVALID_INPUT = 3
    #: Something the user named does not exist (a document, an element, a file).
    NOT_FOUND = 4
    #: A scan found something at least as severe as ``--fail-on`` (for CI gates).
    FINDINGS = 5


class IotprofileError(Exception):
    """Root of every error iotprofile raises on purpose.

    ``where`` names the file and the place in it (``file.yaml:12``, ``file.csv row 4``,
    ``file.json $.elements[3].id``); ``tip`` is an optional hint shown after the message.
    """

    exit_code: ExitCode = ExitCode.INVALID_INPUT

    def __init__(self, message: str, *, where: str | None = None, tip: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.tip = tip

    def one_line(self) -> str:
        """The error as the CLI prints it: ``where: message (tip)`` on a single line."""
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.tip:
            text = f"{text} (tip: {self.tip})"
        return " ".join(text.split())


class CatalogError(IotprofileError):
    """A catalog (baseline, profile or standard) is malformed, inconsistent or unknown."""


class UnknownDocumentError(CatalogError):
    """A document ID names no loaded catalog."""

    exit_code = ExitCode.NOT_FOUND


class UnknownElementError(CatalogError):
    """An element ID names nothing in its document."""

    exit_code = ExitCode.NOT_FOUND


class CrosswalkError(IotprofileError):
    """A mapping file is malformed or names elements that do not exist."""


class ProfileError(IotprofileError):
    """A profile cannot be resolved against its base."""


class RequirementsError(IotprofileError):
    """A requirement list to build a profile from is malformed: missing columns, duplicate IDs, empty text."""


class PipelineError(IotprofileError):
    """A profile build cannot go on: a bad build configuration, review decision or target."""


class ExportError(IotprofileError):
    """A document cannot be written in the requested format."""


class ProductError(IotprofileError):
    """A product file is malformed or inconsistent (unknown component kind, dangling connection, ...)."""


class CheckError(IotprofileError):
    """An automated check cannot be planned or run as asked: a bad input file, option or vulnerability database."""


class AssessmentError(IotprofileError):
    """A verdict or results file is malformed, names a cell that does not exist, or lacks a justification."""


class StorageError(IotprofileError):
    """The database cannot be opened, migrated or written."""


class ReportError(IotprofileError):
    """A report cannot be produced or written."""


class DocumentError(IotprofileError):
    """A support record, an advisory or an SBOM is malformed, or a document cannot be generated from them."""


class AccountError(IotprofileError):
    """Signing in, accounts, organisations, roles and tokens (the web app and ``iotprofile user``)."""


class AuthenticationError(AccountError):
    """Wrong e-mail or password, or an unknown, expired or revoked session or token."""


class RateLimitedError(AccountError):
    """Too many failed sign-ins for this account or address; try again later."""

    def __init__(self, message: str, *, retry_after: int, where: str | None = None, tip: str | None = None) -> None:
        super().__init__(message, where=where, tip=tip)
        #: Seconds until a new attempt is allowed.
        self.retry_after = retry_after


class PermissionDeniedError(AccountError):
    """The user's role in the organisation does not allow this."""
