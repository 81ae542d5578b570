"""ELF hardening flags on real binaries: two tiny C programs built with and without hardening, a static busybox,
and corrupt ELF files that must be reported, never crash the pass."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from iotprofile.checks.firmware.analyse import analyse_root
from iotprofile.checks.firmware.analyse.elf import ElfScanner, inspect_elf, summarise_hardening
from iotprofile.checks.interface import Limits

PROGRAM = r"""
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    char buffer[64];
    snprintf(buffer, sizeof buffer, "%s-%d", argv[0], argc);
    char copy[64];
    memcpy(copy, buffer, strlen(buffer) + 1);
    puts(copy);
    return 0;
}
"""
HARDENED = ["-O2", "-fstack-protector-strong", "-D_FORTIFY_SOURCE=2", "-fPIE", "-pie", "-Wl,-z,relro,-z,now"]
WEAK = ["-O0", "-fno-stack-protector", "-U_FORTIFY_SOURCE", "-no-pie", "-fno-pie", "-z", "execstack",
        "-Wl,-z,norelro", "-Wl,-rpath,/tmp/lib:lib"]  # fmt: skip


def compile_program(directory: Path, name: str, flags: list[str]) -> Path:
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc is not installed")
    source = directory / "program.c"
    source.write_text(PROGRAM)
    output = directory / name
    subprocess.run([gcc, *flags, "-o", str(output), str(source)], check=True, capture_output=True)
    return output


@pytest.fixture(scope="module")
def rootfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build = tmp_path_factory.mktemp("build")
    root = tmp_path_factory.mktemp("elf") / "rootfs"
    (root / "usr/bin").mkdir(parents=True)
    shutil.copy(compile_program(build, "hardened", HARDENED), root / "usr/bin/hardened")
    shutil.copy(compile_program(build, "weak", WEAK), root / "usr/bin/weak")
    (root / "usr/bin/truncated").write_bytes(b"\x7fELF\x02\x01\x01")
    (root / "usr/bin/bad-offsets").write_bytes(
        b"\x7fELF\x01\x02\x01" + b"\x00" * 9 + b"\x00\x02\x00\x08" + b"\xff" * 40
    )  # big-endian MIPS header whose program header table points past the end
    return root


def test_hardened_and_weak_programs(rootfs: Path) -> None:
    hardened = inspect_elf("usr/bin/hardened", (rootfs / "usr/bin/hardened").read_bytes())
    assert (hardened.kind, hardened.nx, hardened.relro, hardened.pie) == ("executable", True, "full", True)
    assert hardened.canary is True and hardened.fortify is True
    assert hardened.insecure_rpath == []
    weak = inspect_elf("usr/bin/weak", (rootfs / "usr/bin/weak").read_bytes())
    assert (weak.kind, weak.nx, weak.relro, weak.pie) == ("executable", False, "none", False)
    assert weak.canary is False and weak.fortify is False
    assert weak.rpath == ["/tmp/lib", "lib"]
    assert weak.insecure_rpath == ["/tmp/lib", "lib"]
    assert weak.stripped is False


def test_aggregate_and_findings(rootfs: Path) -> None:
    analysis = analyse_root(rootfs, limits=Limits())
    hardening = analysis.facts["hardening"]
    assert hardening["programs"] == 2 and hardening["corrupt"] == 2
    assert hardening["properties"]["nx"] == {"count": 1, "of": 2, "percent": 50.0}
    assert hardening["properties"]["relro_full"]["count"] == 1
    assert hardening["worst"][0] == {"path": "usr/bin/weak", "missing": ["nx", "pie", "relro", "canary", "rpath"]}
    rules = {f.rule: f for f in analysis.findings}
    for rule in ("no-nx", "no-pie", "no-relro", "no-canary", "insecure-rpath"):
        finding = rules[f"firmware.hardening.{rule}"]
        assert finding.data["paths"] == ["usr/bin/weak"], rule
        assert finding.elements == () and finding.proposes is None
    assert "5.6-8" in rules["firmware.hardening.no-nx"].etsi
    assert rules["firmware.hardening.corrupt-elf"].data["paths"] == ["usr/bin/bad-offsets", "usr/bin/truncated"]


def test_static_busybox(tmp_path: Path) -> None:
    busybox = Path("/bin/busybox")
    if not busybox.is_file():
        pytest.skip("/bin/busybox is not installed")
    (tmp_path / "bin").mkdir()
    shutil.copy(busybox, tmp_path / "bin/busybox")
    analysis = analyse_root(tmp_path, limits=Limits())
    report = analysis.facts["hardening"]
    assert report["programs"] == 1
    assert any(i.name == "busybox" and i.how == "version-string" and i.version for i in analysis.inventory)
    scanner = ElfScanner()
    scanner.reports.append(inspect_elf("bin/busybox", busybox.read_bytes()))
    (elf,) = scanner.reports
    if elf.kind == "static-executable":
        assert elf.pie is False
        assert elf.canary is None if elf.stripped else elf.canary is not None
    facts, _ = summarise_hardening(scanner)
    assert facts["programs"] == 1


@pytest.mark.parametrize(
    "program", ["/bin/ls", "/bin/busybox", "/usr/bin/python3", "/usr/lib/x86_64-linux-gnu/libc.so.6"]
)
def test_struct_reader_agrees_with_pyelftools(program: str) -> None:
    from elftools.elf.constants import P_FLAGS
    from elftools.elf.elffile import ELFFile
    from elftools.elf.sections import SymbolTableSection

    path = Path(program)
    if not path.is_file():
        pytest.skip(f"{program} is not installed")
    ours = inspect_elf(program, path.read_bytes())
    with path.open("rb") as stream:
        elf = ELFFile(stream)
        kinds = {segment["p_type"]: segment for segment in elf.iter_segments()}
        stack = kinds.get("PT_GNU_STACK")
        assert ours.nx == (stack is not None and not stack["p_flags"] & P_FLAGS.PF_X)
        assert (ours.relro != "none") == ("PT_GNU_RELRO" in kinds)
        assert ours.stripped == (elf.get_section_by_name(".symtab") is None)
        assert ours.bits == elf.elfclass
        dynsym = elf.get_section_by_name(".dynsym")
        names = {symbol.name for symbol in dynsym.iter_symbols()} if isinstance(dynsym, SymbolTableSection) else set()
        if names:
            assert ours.canary == ("__stack_chk_fail" in names or "__stack_chk_guard" in names)


def big_endian_mips_elf(*, executable_stack: bool) -> bytes:
    """A minimal 32-bit big-endian MIPS shared object: one load segment, a dynamic segment (RUNPATH, BIND_NOW,
    string table), GNU_STACK and GNU_RELRO, no section table (as after sstrip)."""
    import struct

    dynstr = b"\x00__stack_chk_fail\x00/tmp/lib\x00"
    phoff, phnum = 52, 4
    dyn_offset = phoff + phnum * 32
    dynamic = struct.pack(
        ">" + "iI" * 5, 5, 0x1000 + dyn_offset + 40, 10, len(dynstr), 29, 18, 30, 0x8, 0, 0
    )  # DT_STRTAB, DT_STRSZ, DT_RUNPATH -> "/tmp/lib", DT_FLAGS = BIND_NOW, DT_NULL
    size = dyn_offset + len(dynamic) + len(dynstr)
    header = (
        b"\x7fELF\x01\x02\x01"
        + b"\x00" * 9
        + struct.pack(">HHIIIIIHHHHHH", 3, 8, 1, 0, phoff, 0, 0, 52, 32, phnum, 40, 0, 0)
    )
    segments = b"".join(
        struct.pack(">IIIIIIII", *entry)
        for entry in (
            (1, 0, 0x1000, 0x1000, size, size, 5, 0x1000),  # PT_LOAD
            (2, dyn_offset, 0x1000 + dyn_offset, 0x1000 + dyn_offset, len(dynamic), len(dynamic), 6, 4),
            (0x6474E551, 0, 0, 0, 0, 0, 7 if executable_stack else 6, 16),  # PT_GNU_STACK
            (0x6474E552, 0, 0x1000, 0x1000, 64, 64, 4, 1),  # PT_GNU_RELRO
        )
    )
    return header + segments + dynamic + dynstr


@pytest.mark.parametrize("executable_stack", [True, False])
def test_big_endian_32_bit_elf(executable_stack: bool) -> None:
    import io

    from elftools.elf.dynamic import DynamicSegment
    from elftools.elf.elffile import ELFFile

    data = big_endian_mips_elf(executable_stack=executable_stack)
    report = inspect_elf("usr/lib/libx.so", data)
    assert (report.arch, report.bits, report.endian, report.kind) == ("MIPS", 32, "big", "library")
    assert report.nx is not executable_stack
    assert report.relro == "full"
    assert report.canary is True
    assert report.stripped is True
    assert report.insecure_rpath == ["/tmp/lib"]
    elf = ELFFile(io.BytesIO(data))  # the reference reader sees the same file
    assert elf.little_endian is False and elf.elfclass == 32
    (dynamic,) = [s for s in elf.iter_segments() if isinstance(s, DynamicSegment)]
    runpaths = [getattr(tag, "runpath", None) for tag in dynamic.iter_tags() if tag.entry.d_tag == "DT_RUNPATH"]
    assert runpaths == ["/tmp/lib"]
