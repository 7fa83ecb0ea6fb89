"""A small share of the fuzzing run in CI: no crash, nothing lost, no token leaked."""

from __future__ import annotations

from pathlib import Path

from bench.fuzz import PATHS, run_fuzz


async def test_fuzz_share_finds_no_crash_loss_or_leak(tmp_path: Path) -> None:
    report = await run_fuzz(30 * len(PATHS), seed=11, workdir=tmp_path)
    figures = report.as_dict()
    assert figures["inputs"] == 30 * len(PATHS)
    assert dict(report.by_path) == dict.fromkeys(PATHS, 30)
    assert sum(report.crashes.values()) == 0, figures["examples"]
    assert sum(report.refused_replies.values()) == 0
    assert sum(report.unanswered.values()) == 0
    assert report.data_lost == 0
    assert report.token_leaks == 0
    assert report.saved > 0  # the ingest path really stored articles
