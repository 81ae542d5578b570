"""U-Boot FIT images: a flattened device tree (magic 0xd00dfeed) whose ``/images`` nodes carry or point to payloads.

A small bounded walker rather than a dependency: the only FDT library on PyPI (``fdt``) was last released in 2022
and loads the whole tree, property values included, into memory. This one reads the header and the structure block
only, keeps property values up to a small size (payload ``data`` properties are kept as offsets), and stops at any
inconsistency with a failed check instead of raising. Hashes under ``/images/*/hash*`` (crc32, md5, sha1, sha256,
sha384, sha512) are verified against the payload bytes.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from typing import IO, Any

from iotprofile.checks.firmware.headers import ContainerInfo, ContainerKind, HeaderCheck, Payload

__all__ = ["parse_fit"]

_HEADER = struct.Struct(">10I")
_BEGIN_NODE, _END_NODE, _PROP, _NOP, _END = 1, 2, 3, 4, 9
_MAX_NODES = 10_000
_MAX_DEPTH = 32
_MAX_VALUE = 4096
_MAX_STRUCT = 128 * 1024 * 1024
_BLOCK = 1 << 20


class _Node:
    def __init__(self, name: str) -> None:
        self.name = name
        self.props: dict[str, bytes] = {}
        #: Properties too large to keep: (absolute offset, length).
        self.ranges: dict[str, tuple[int, int]] = {}
        self.children: dict[str, _Node] = {}


class _FdtError(Exception):
    pass


def parse_fit(stream: IO[bytes], size: int) -> ContainerInfo | None:
    """Parse a FIT image at the start of ``stream``; ``None`` for a device tree that has no ``/images`` node."""
    stream.seek(0)
    raw = stream.read(_HEADER.size)
    if len(raw) < _HEADER.size:
        return _broken(len(raw), f"truncated FDT header: {len(raw)} of {_HEADER.size} bytes")
    (_, total, off_struct, off_strings, _, version, _, _, size_strings, size_struct) = _HEADER.unpack(raw)
    fields: dict[str, Any] = {"totalsize": total, "version": version}
    checks = [HeaderCheck(name="size", passed=total <= size, detail=f"header says {total} bytes, file has {size}")]
    if total > size:
        return _broken(size, f"FDT totalsize {total} runs past the end of the file ({size} bytes)", fields, checks)
    if version >= 17 and size_struct:
        struct_length = size_struct
    else:
        struct_length = total - off_struct
    if not (off_struct + struct_length <= total and off_strings + size_strings <= total) or struct_length > _MAX_STRUCT:
        checks.append(HeaderCheck(name="blocks", passed=False, detail="structure or strings block outside the tree"))
        return _broken(total, "FDT blocks lie outside the tree", fields, checks)
    stream.seek(off_strings)
    strings = stream.read(size_strings)
    stream.seek(off_struct)
    block = stream.read(struct_length)
    try:
        root = _walk(block, strings, off_struct)
    except _FdtError as error:
        checks.append(HeaderCheck(name="structure", passed=False, detail=str(error)))
        return _broken(total, f"FDT structure is malformed: {error}", fields, checks)
    checks.append(HeaderCheck(name="structure", passed=True, detail="walked to FDT_END"))
    images = root.children.get("images")
    if images is None:
        return None
    fields["description"] = _text(root.props.get("description"))
    warnings: list[str] = []
    payloads: list[Payload] = []
    # External data (mkimage -E) sits after the tree, 4-byte aligned; data-offset counts from there.
    external_base = (total + 3) & ~3
    for node in images.children.values():
        payload = _image_payload(node, external_base, size, warnings)
        if payload is None:
            continue
        payloads.append(payload)
        checks.extend(_hash_checks(node, payload, stream))
    configurations = root.children.get("configurations")
    if configurations is not None:
        fields["default_configuration"] = _text(configurations.props.get("default"))
        fields["configurations"] = {
            name: {key: _text(value) for key, value in config.props.items() if key != "signature"}
            for name, config in configurations.children.items()
        }
    return ContainerInfo(
        kind=ContainerKind.FIT,
        header_length=total,
        fields=fields,
        payloads=tuple(payloads),
        checks=tuple(checks),
        warnings=tuple(warnings),
    )


def _broken(
    header_length: int, warning: str, fields: dict[str, Any] | None = None, checks: list[HeaderCheck] | None = None
) -> ContainerInfo:
    checks = checks or [HeaderCheck(name="header-size", passed=False, detail=warning)]
    return ContainerInfo(
        kind=ContainerKind.FIT,
        header_length=header_length,
        fields=fields or {},
        checks=tuple(checks),
        warnings=(warning,),
    )


def _walk(block: bytes, strings: bytes, base: int) -> _Node:
    """The node tree of a structure block (``base``: the block's offset in the file, for large values)."""
    stack: list[_Node] = []
    root: _Node | None = None
    position = 0
    nodes = 0
    while True:
        if position + 4 > len(block):
            raise _FdtError(f"structure ends without FDT_END at offset {base + position}")
        (token,) = struct.unpack_from(">I", block, position)
        position += 4
        if token == _BEGIN_NODE:
            end = block.find(b"\0", position)
            if end < 0:
                raise _FdtError("unterminated node name")
            node = _Node(block[position:end].decode("latin-1"))
            position = (end + 1 + 3) & ~3
            nodes += 1
            if nodes > _MAX_NODES or len(stack) >= _MAX_DEPTH:
                raise _FdtError(f"more than {_MAX_NODES} nodes or deeper than {_MAX_DEPTH}")
            if stack:
                stack[-1].children[node.name] = node
            elif root is None:
                root = node
            else:
                raise _FdtError("second root node")
            stack.append(node)
        elif token == _END_NODE:
            if not stack:
                raise _FdtError("FDT_END_NODE without a node")
            stack.pop()
        elif token == _PROP:
            if position + 8 > len(block) or not stack:
                raise _FdtError("property outside a node or truncated")
            length, name_offset = struct.unpack_from(">II", block, position)
            position += 8
            if position + length > len(block) or name_offset >= len(strings):
                raise _FdtError(f"property at offset {base + position} runs past its block")
            name_end = strings.find(b"\0", name_offset)
            name = strings[name_offset : name_end if name_end >= 0 else len(strings)].decode("latin-1")
            if length <= _MAX_VALUE:
                stack[-1].props[name] = block[position : position + length]
            stack[-1].ranges[name] = (base + position, length)
            position = (position + length + 3) & ~3
        elif token == _NOP:
            continue
        elif token == _END:
            if stack or root is None:
                raise _FdtError("FDT_END inside a node")
            return root
        else:
            raise _FdtError(f"unknown token 0x{token:x} at offset {base + position - 4}")


def _image_payload(node: _Node, external_base: int, size: int, warnings: list[str]) -> Payload | None:
    attributes = {key: _text(node.props.get(key)) for key in ("description", "type", "arch", "os", "compression")}
    attributes = {key: value for key, value in attributes.items() if value}
    name = "".join(char if char.isalnum() or char in "-_." else "_" for char in node.name) or "image"
    if "data" in node.ranges:
        start, length = node.ranges["data"]
        return Payload(name=name, offset=start, length=length, declared=length, attributes=attributes)
    position = _u32(node.props.get("data-position"))
    offset = _u32(node.props.get("data-offset"))
    declared = _u32(node.props.get("data-size"))
    if declared is None or (position is None and offset is None):
        warnings.append(f"FIT image {node.name!r} has no data")
        return None
    start = position if position is not None else external_base + (offset or 0)
    available = max(0, min(declared, size - start)) if start < size else 0
    if available < declared:
        warnings.append(f"FIT image {node.name!r} data ({declared} bytes at {start}) runs past the end of the file")
    return Payload(name=name, offset=min(start, size), length=available, declared=declared, attributes=attributes)


def _hash_checks(node: _Node, payload: Payload, stream: IO[bytes]) -> list[HeaderCheck]:
    checks = []
    for child_name, child in node.children.items():
        if not child_name.startswith("hash"):
            continue
        algo = _text(child.props.get("algo"))
        expected = child.props.get("value", b"")
        name = f"{node.name}/{child_name}:{algo}"
        if payload.truncated:
            checks.append(HeaderCheck(name=name, passed=False, detail="payload is truncated"))
            continue
        computed = _digest(algo, stream, payload.offset, payload.length)
        if computed is None:
            checks.append(HeaderCheck(name=name, passed=False, detail=f"unsupported hash algorithm {algo!r}"))
            continue
        checks.append(
            HeaderCheck(
                name=name,
                passed=computed == expected,
                detail=f"header says {expected.hex()}, computed {computed.hex()}",
            )
        )
    return checks


def _digest(algo: str, stream: IO[bytes], offset: int, length: int) -> bytes | None:
    crc = 0
    hasher = hashlib.new(algo, usedforsecurity=False) if algo in {"md5", "sha1", "sha256", "sha384", "sha512"} else None
    if hasher is None and algo != "crc32":
        return None
    stream.seek(offset)
    remaining = length
    while remaining > 0:
        chunk = stream.read(min(_BLOCK, remaining))
        if not chunk:
            break
        remaining -= len(chunk)
        if hasher is None:
            crc = zlib.crc32(chunk, crc)
        else:
            hasher.update(chunk)
    return crc.to_bytes(4, "big") if hasher is None else hasher.digest()


def _text(value: bytes | None) -> str:
    """A string property (NUL-terminated; a string list is joined with commas)."""
    if not value:
        return ""
    return ",".join(part.decode("latin-1") for part in value.rstrip(b"\0").split(b"\0"))


def _u32(value: bytes | None) -> int | None:
    if value is None or len(value) != 4:
        return None
    return int.from_bytes(value, "big")
