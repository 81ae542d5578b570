"""Building one standard's requirements as a reader finds them, refusing duplicate IDs and empty texts."""

from __future__ import annotations

from pathlib import Path

from iotprofile.catalog.source import MAX_DATA_FILE_BYTES
from iotprofile.errors import RequirementsError
from iotprofile.profiles.build.requirements import Requirement, RequirementSet

__all__ = ["RequirementCollector", "check_file"]


class RequirementCollector:
    """Builds requirements of one standard, refusing duplicate IDs and empty texts with their places."""

    def __init__(self, standard: str) -> None:
        self.standard = standard
        self.requirements: list[Requirement] = []
        self._seen: dict[str, str] = {}

    def add(self, *, where: str, id: str, text: str, **fields: str | None) -> None:
        """One requirement: ``fields`` are title, section, strength (the stated one), level and element."""
        requirement_id = id.strip()
        if not requirement_id:
            raise RequirementsError("empty requirement ID", where=where)
        body = " ".join(text.split())
        if not body:
            raise RequirementsError(f"requirement {requirement_id!r} has empty text", where=where)
        if requirement_id in self._seen:
            raise RequirementsError(
                f"duplicate requirement ID {requirement_id!r} (also at {self._seen[requirement_id]})", where=where
            )
        self._seen[requirement_id] = where
        cleaned = {name: (" ".join(value.split()) or None) if value else None for name, value in fields.items()}
        self.requirements.append(
            Requirement(
                standard=self.standard,
                id=requirement_id,
                text=body,
                title=cleaned.get("title"),
                section=cleaned.get("section"),
                stated_strength=cleaned.get("strength"),
                level=cleaned.get("level"),
                element=cleaned.get("element"),
                location=where,
            )
        )

    def result(self, where: str) -> RequirementSet:
        """The requirements read, refusing none at all (``where`` names the file or sheet)."""
        if not self.requirements:
            raise RequirementsError("no requirements found", where=where)
        return RequirementSet.of(self.requirements)


def check_file(path: Path) -> None:
    """Refuse a missing, unreadable, directory or oversized file (for the binary formats; text goes via read_text)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise RequirementsError("file not found", where=str(path)) from None
    except OSError as exc:
        raise RequirementsError(f"cannot read: {exc.strerror}", where=str(path)) from None
    if path.is_dir():
        raise RequirementsError("is a directory, not a file", where=str(path))
    if size > MAX_DATA_FILE_BYTES:
        raise RequirementsError(f"file is {size} bytes, larger than {MAX_DATA_FILE_BYTES} bytes", where=str(path))
