"""Reading SBOMs: every supported format detected from its content, and every kind of bad input refused clearly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from iotprofile.checks.sbom import SbomFormat, detect_format, read_sbom
from iotprofile.errors import CheckError

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sbom"
ROUTER = Path(__file__).parents[3] / "examples" / "router" / "evidence" / "router-sbom.cdx.json"


@pytest.mark.parametrize(
    ("name", "fmt", "spec", "count"),
    [
        ("router-1.4.cdx.json", SbomFormat.CYCLONEDX_JSON, "1.4", 4),
        ("camera-1.5.cdx.xml", SbomFormat.CYCLONEDX_XML, "1.5", 3),
        ("gateway-1.6.cdx.json", SbomFormat.CYCLONEDX_JSON, "1.6", 4),
        ("hub-2.3.spdx.json", SbomFormat.SPDX_JSON, "SPDX-2.3", 3),
        ("plug-2.3.spdx", SbomFormat.SPDX_TAG_VALUE, "SPDX-2.3", 2),
    ],
)
def test_every_format_reads(name: str, fmt: SbomFormat, spec: str, count: int) -> None:
    document = read_sbom(FIXTURES / name)
    assert document.format is fmt
    assert document.spec_version == spec
    assert len(document.components) == count


def test_fields_kept_from_cyclonedx() -> None:
    items = {i.name: i for i in read_sbom(FIXTURES / "camera-1.5.cdx.xml").components}
    assert items["busybox"].supplier == "BusyBox project"
    assert items["busybox"].path == "busybox@1.36.0"
    assert items["openssl"].cpe == "cpe:2.3:a:openssl:openssl:1.1.1s:*:*:*:*:*:*:*"
    assert items["openssl"].licenses == ("OpenSSL License",)
    assert items["linux"].licenses == ("GPL-2.0-only WITH Linux-syscall-note",)
    assert items["linux"].purl is None


def test_nested_cyclonedx_components_and_subject() -> None:
    document = read_sbom(FIXTURES / "gateway-1.6.cdx.json")
    assert document.subject == "fixture gateway firmware 2.3.0"
    nettle = next(i for i in document.components if i.name == "libnettle")
    assert nettle.purl == "pkg:deb/debian/nettle@3.8.1-2"
    assert all(i.name != "fixture gateway firmware" for i in document.components)


def test_fields_kept_from_spdx() -> None:
    items = {i.name: i for i in read_sbom(FIXTURES / "hub-2.3.spdx.json").components}
    assert items["dropbear"].purl == "pkg:generic/dropbear@2022.83"
    assert items["dropbear"].cpe == "cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2022.83:*:*:*:*:*:*:*"
    assert items["dropbear"].supplier == "Matt Johnston"
    assert items["dropbear"].path == "SPDXRef-Package-dropbear"
    assert items["dnsmasq"].licenses == ("GPL-2.0-only OR GPL-3.0-only",)  # NOASSERTION is not a license
    assert items["zlib"].purl is None


@pytest.mark.parametrize(
    ("source", "alias"),
    [("camera-1.5.cdx.xml", "bom.txt"), ("plug-2.3.spdx", "firmware.sbom"), ("hub-2.3.spdx.json", "sbom")],
)
def test_format_is_detected_from_content_not_suffix(tmp_path: Path, source: str, alias: str) -> None:
    shutil.copy(FIXTURES / source, tmp_path / alias)
    assert read_sbom(tmp_path / alias).components == read_sbom(FIXTURES / source).components


def test_detect_format() -> None:
    assert detect_format('  {"bomFormat": "CycloneDX"}') is SbomFormat.CYCLONEDX_JSON
    assert detect_format('{"spdxVersion": "SPDX-2.3"}') is SbomFormat.SPDX_JSON
    assert detect_format("SPDXVersion: SPDX-2.3\n") is SbomFormat.SPDX_TAG_VALUE
    assert detect_format("spdxVersion: SPDX-2.3\n") is SbomFormat.SPDX_YAML
    assert detect_format("hello") is None


def test_example_router_sbom_parses() -> None:
    document = read_sbom(ROUTER)
    assert document.spec_version == "1.5"
    assert len(document.components) == 11


def _error(tmp_path: Path, content: str | bytes, name: str = "bad.json", **kwargs: int) -> CheckError:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CheckError) as caught:
        read_sbom(path, **kwargs)
    assert caught.value.where is not None
    assert caught.value.where.startswith(str(path))
    return caught.value


def _cdx(spec: str = "1.5", **extra: object) -> str:
    return json.dumps({"bomFormat": "CycloneDX", "specVersion": spec, "version": 1, **extra})


def test_not_json(tmp_path: Path) -> None:
    error = _error(tmp_path, '{"bomFormat": "CycloneDX",\n "components": [')
    assert "not JSON" in error.message
    assert error.where == f"{tmp_path / 'bad.json'}:2:17"


@pytest.mark.parametrize("spec", ["1.2", "1.3", "1.7", "2.0", ""])
def test_unsupported_cyclonedx_version(tmp_path: Path, spec: str) -> None:
    error = _error(tmp_path, _cdx(spec))
    assert f"spec version {spec!r} is not supported" in error.message


def test_schema_violation_names_the_json_path(tmp_path: Path) -> None:
    error = _error(tmp_path, _cdx(components=[{"type": "library", "version": "1"}]))
    assert "not a valid CycloneDX 1.5 document" in error.message
    assert "'name' is a required property" in error.message
    assert error.where == f"{tmp_path / 'bad.json'} $.components[0]"


def test_xml_schema_violation_names_the_line(tmp_path: Path) -> None:
    xml = (FIXTURES / "camera-1.5.cdx.xml").read_text().replace("<version>1.36.0</version>", "<colour>1</colour>")
    error = _error(tmp_path, xml, "bad.xml")
    assert "not a valid CycloneDX 1.5 document" in error.message
    assert error.where == f"{tmp_path / 'bad.xml'}:14"  # the <colour> line


def test_unsupported_cyclonedx_xml_namespace(tmp_path: Path) -> None:
    error = _error(tmp_path, '<bom xmlns="http://cyclonedx.org/schema/bom/1.1" version="1"/>', "bad.xml")
    assert "spec version '1.1' is not supported" in error.message


def test_xml_entities_are_refused(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<bom xmlns="http://cyclonedx.org/schema/bom/1.5">&b;</bom>'
    )
    assert "DTD or entities is refused" in _error(tmp_path, laughs, "bad.xml").message


def test_malformed_xml(tmp_path: Path) -> None:
    error = _error(tmp_path, '<bom xmlns="http://cyclonedx.org/schema/bom/1.5">\n<components>', "bad.xml")
    assert "not well-formed XML" in error.message
    assert error.where == f"{tmp_path / 'bad.xml'}:2"


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    error = _error(tmp_path, _cdx(), max_bytes=10)
    assert "over the 10-byte limit" in error.message


@pytest.mark.parametrize("depth", [65, 200_000])
def test_deeply_nested_json(tmp_path: Path, depth: int) -> None:
    nested = '{"bomFormat": "CycloneDX", "specVersion": "1.5", "x": ' + "[" * depth + "]" * depth + "}"
    assert "nested deeper than 64 levels" in _error(tmp_path, nested).message


def test_deeply_nested_xml(tmp_path: Path) -> None:
    xml = '<bom xmlns="http://cyclonedx.org/schema/bom/1.5">' + "<a>" * 100 + "</a>" * 100 + "</bom>"
    assert "nested deeper than 64" in _error(tmp_path, xml, "bad.xml").message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x7fELF\x02\x01\x01\x00\xff\xfe", "not UTF-8"),
        ("", "not an SBOM"),
        ("hello world", "not an SBOM"),
        ('{"name": "x"}', "without 'bomFormat' or 'spdxVersion'"),
        ("<html><body/></html>", "XML root element 'html'"),
        ("SPDXVersion: SPDX-2.1\nDataLicense: CC0-1.0\n", "not a valid SPDX document"),
    ],
)
def test_not_an_sbom(tmp_path: Path, content: str | bytes, message: str) -> None:
    assert message in _error(tmp_path, content, "bad.sbom").message


def test_unsupported_spdx_version(tmp_path: Path) -> None:
    text = (FIXTURES / "hub-2.3.spdx.json").read_text().replace("SPDX-2.3", "SPDX-2.1")
    error = _error(tmp_path, text)
    assert "SPDX" in error.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match="cannot read the SBOM"):
        read_sbom(tmp_path / "absent.json")


def test_spdx_yaml_is_read(tmp_path: Path) -> None:
    import yaml

    data = json.loads((FIXTURES / "hub-2.3.spdx.json").read_text())
    path = tmp_path / "hub.spdx"  # no telling suffix: the content decides
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    document = read_sbom(path)
    assert document.format is SbomFormat.SPDX_YAML
    assert document.components == read_sbom(FIXTURES / "hub-2.3.spdx.json").components


def test_spdx_rdf_xml_is_read(tmp_path: Path) -> None:
    from spdx_tools.spdx.parser.json import json_parser
    from spdx_tools.spdx.writer.rdf.rdf_writer import write_document_to_file

    path = tmp_path / "hub.xml"
    write_document_to_file(json_parser.parse_from_file(str(FIXTURES / "hub-2.3.spdx.json")), str(path), validate=False)
    document = read_sbom(path)
    assert document.format is SbomFormat.SPDX_RDF

    def keys(items: object) -> set[tuple[object, ...]]:
        return {(i.name, i.version, i.purl, i.cpe, i.path) for i in items}  # type: ignore[attr-defined]

    assert keys(document.components) == keys(read_sbom(FIXTURES / "hub-2.3.spdx.json").components)
    assert len(document.components) == 3
