"""The CPU model that speed figures name (evaluate reports, the throughput benchmark)."""

from __future__ import annotations

from pathlib import Path

from notalone.machine import cpu_model


def test_the_cpu_model_is_the_one_the_os_names(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(
        "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\n"
        "processor\t: 1\nmodel name\t: AMD EPYC 7B13\n",
        encoding="utf-8",
    )
    assert cpu_model(cpuinfo) == "AMD EPYC 7B13"
    cpuinfo.write_text("processor\t: 0\nmodel name\t:\n", encoding="utf-8")  # blank: none
    assert cpu_model(cpuinfo) is None
    assert cpu_model(tmp_path / "missing") is None  # not Linux
