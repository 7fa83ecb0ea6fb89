"""Stories: near copies from several outlets are one answer and one digest item; /split,
/join and rebuilds; the /trend picture."""

from __future__ import annotations

import datetime as dt
import json
import struct
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.articles.archive import ImportRecord
from bot.articles.building import build_article
from bot.cli.main import main
from bot.stories.keeper import MAX_PER_KEY, StoryKeeper, _best_stored
from bot.stories.signature import band_keys, shingles, signatures, similarity
from bot.stories.trend import bars, trend
from handlers.housekeeping import WARM_JOB
from storage.stories import StoryStore
from storage.story_candidates import Candidates, LiveStories
from tests.conftest import EDITOR, READER, SAMPLE, SEED, Harness, seed_text

BOTH_BACKENDS = True
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HEADLINE = (
    "US-backed forces in Syria have breached the wall surrounding the Old City of Raqa as they "
    "try to retake the city from the Islamic State group, the US Central Command has said."
)


FOOD_TEXT = (
    "Civilians fleeing Raqqa said on Monday that food was running out in the besieged "
    "districts, where thousands remain trapped by the fighting between Islamic State militants "
    "and the US-backed forces advancing from the east."
)


def seed_body() -> str:
    """The seed article without its date line and photo caption: the wire text."""
    paragraphs = [p for p in seed_text().split("\n\n") if p.strip()]
    return "\n\n".join(paragraphs[1:])


def reuters_copy() -> str:
    """New headline, last paragraph cut, a "Read more" line added."""
    paragraphs = seed_body().split("\n\n")
    headline = "Raqqa's old city wall breached, says US command"
    return "\n\n".join([headline, *paragraphs[:-1], "Read more: Syria's war in maps"])


def arabiya_copy() -> str:
    """Another dateline, quotes and white space restyled, the last two paragraphs cut."""
    paragraphs = seed_body().replace("“", '"').replace("”", '"').split("\n\n")
    lead = "BEIRUT (Al Arabiya) -  " + paragraphs[0]
    return "\n\n".join(["SDF enters Raqqa Old City", lead, *paragraphs[1:-2], "Follow us on X"])


async def import_copies(bot: Harness) -> None:
    """The seed from an editor's message (no outlet named), then two outlets' copies."""
    [saved] = await bot.send(seed_text(), user_id=EDITOR)
    assert saved.startswith("Saved #1: US-backed forces in Syria have breached the wall")
    assert saved.endswith(" (2017-07-04)")
    report = await bot.services.archive.import_records(
        [
            ImportRecord(reuters_copy(), source="Indian Express", date="2017-07-04"),
            ImportRecord(arabiya_copy(), source="Al Arabiya", date="2017-07-05"),
            # Another event in the same city: not a copy.
            ImportRecord(
                FOOD_TEXT,
                title="Food runs out in besieged Raqqa districts",
                source="AFP",
                date="2017-07-10",
            ),
        ]
    )
    assert (report.added, report.rejected) == (3, [])


async def test_copies_alike_in_length_and_day_show_the_one_the_question_found(bot: Harness) -> None:
    # One page stored from two addresses, its headline restyled and a quote mark changed: as
    # complete and as early as each other, so the copy whose headline the question matches
    # stands for the story, not the one stored first.
    body = seed_body()
    report = await bot.services.archive.import_records(
        [
            ImportRecord(body, title="Raqqa wall breached", source="CNN", date="2017-07-04"),
            ImportRecord(
                body.replace("“", '"', 1),
                title="Thousands of civilians still trapped in Raqqa, UN says",
                source="CNN",
                date="2017-07-04",
            ),
        ]
    )
    assert (report.added, report.rejected) == (2, [])
    members = [await bot.services.stories.store.membership(n) for n in (1, 2)]
    assert [(m.story_id, m.reason) for m in members if m] == [(1, "first"), (1, "bands")]
    [answer] = await bot.send("thousands of civilians still trapped", user_id=READER)
    assert answer.split("\n")[1:] == [
        "<b>Thousands of civilians still trapped in Raqqa, UN says</b>",
        "2017-07-04 · CNN · /read_2",
        "<i>also in: 1 other copy</i>",
    ]


async def test_copies_from_three_outlets_are_one_answer(bot: Harness) -> None:
    await import_copies(bot)
    members = [await bot.services.stories.store.membership(n) for n in (1, 2, 3, 4)]
    assert [(m.story_id, m.reason, m.matched_id) for m in members if m] == [
        (1, "first", None),
        (1, "similar", 1),
        (1, "similar", 1),
        (4, "first", None),
    ]
    [answer] = await bot.send("civilians trapped in Raqqa Old City", user_id=READER)
    # One hit for the three copies, shown by the most complete text (the original, #1).
    assert answer.split("\n") == [
        "“US-backed forces in Syria have breached the wall surrounding the <b>Old</b> <b>City</b> "
        "of <b>Raqa</b> as they try to retake the <b>city</b> from the Islamic State group, the "
        "US Central Command has said. … The United Nations has expressed concern for up to "
        "100,000 <b>civilians</b> it says are still <b>trapped</b> in the <b>city</b>.”",
        "<b>US-backed forces in Syria have breached the wall surrounding the Old City of Raqa as "
        "they try to retake the…</b>",
        "2017-07-04 · /read_1",
        "<i>also in: Indian Express, Al Arabiya</i>",
        "",
        "Also:",
        "2. Food runs out in besieged Raqqa districts (2017-07-10, AFP) /read_4",
    ]
    # Further down the list, a story's outlets are indented under its own line.
    # (Typed "Old City", a name the food story lacks, the question has no answer: a list of
    # the closest without the quote.)
    [listed] = await bot.send("food running out for civilians in Raqqa old city", user_id=READER)
    assert listed.split("\n")[-2:] == [
        "2. US-backed forces in Syria have breached the wall surrounding the Old City of Raqa as "
        "they try to retake the… (2017-07-04) /read_1",
        "   <i>also in: Indian Express, Al Arabiya</i>",
    ]
    # Any copy can still be read.
    [copy] = await bot.send("/read_3", user_id=READER)
    assert copy.startswith("<b>SDF enters Raqqa Old City</b>")


def test_ask_json_lists_the_other_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "EDITOR_IDS", "CHANNEL_IDS", "INDEX_DIR"):
        monkeypatch.delenv(key, raising=False)
    records = [
        {"id": "a", "text": seed_body(), "source": "AFP", "date": "2017-07-04", "title": HEADLINE},
        {"id": "b", "text": reuters_copy(), "source": "Reuters", "date": "2017-07-04"},
        {"id": "c", "text": arabiya_copy(), "source": "Al Arabiya", "date": "2017-07-05"},
    ]
    path = tmp_path / "copies.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["import", "--quiet", str(path), str(SAMPLE / "fakes.jsonl")]) == 0
    capsys.readouterr()
    assert main(["ask", "--json", "Rafiqah wall Old City Raqqa breached"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert results[0]["article_id"] == 1
    assert results[0]["also"] == [
        {"article_id": 2, "source": "Reuters", "date": "2017-07-04"},
        {"article_id": 3, "source": "Al Arabiya", "date": "2017-07-05"},
    ]
    ids = [r["article_id"] for r in results]
    assert not {2, 3} & set(ids)


async def forward(bot: Harness, text: str, channel: str) -> str:
    """An editor forwards a channel's post: news, with the channel as its source."""
    [saved] = await bot.send(text, user_id=EDITOR, forward_from_channel=channel)
    return saved


async def test_a_story_is_one_digest_item_and_a_late_copy_is_not_news(bot: Harness) -> None:
    await bot.send("/subscribe 08:00 raqqa", user_id=READER)
    for text, channel in (
        (seed_body(), "Reuters"),
        (reuters_copy(), "Indian Express"),
        (arabiya_copy(), "Al Arabiya"),
        (FOOD_TEXT, "AFP"),
    ):
        assert (await forward(bot, text, channel)).startswith("Saved #")
    assert await stories(bot) == {1: 1, 2: 1, 3: 1, 4: 4}
    bot.clock.set(dt.datetime(2026, 11, 25, 8, 0, 1, tzinfo=dt.UTC))
    [digest] = await run_digest_job(bot)
    # Two items: the story once, by its most complete copy on the topic (the original says
    # "Raqa", not "Raqqa"), with the other outlets; and the other Raqqa report.
    assert digest == (
        "<b>Your 08:00 digest</b> · 2 new articles on raqqa (of 2 in the last 24 hours), most "
        "relevant first\n\n"
        "<b>Civilians fleeing Raqqa said on Monday that food was running out in the besieged "
        "districts, where thousands…</b>\n2026-11-25 · AFP · /read_4\n" + FOOD_TEXT + "\n\n"
        "<b>Raqqa's old city wall breached, says US command</b>\n"
        "2026-11-25 · Indian Express · /read_2\n<i>also in: Al Arabiya</i>\n" + HEADLINE
    )
    # A fourth outlet's copy, after the story was in this chat's digest: not news again.
    assert (await forward(bot, reuters_copy() + "\n\nPhoto: AFP", "The National")).startswith(
        "Saved #5"
    )
    assert (await stories(bot))[1] == 1
    assert (await bot.services.stories.stories_of([5]))[5] == 1
    bot.clock.set(dt.datetime(2026, 11, 26, 8, 0, 1, tzinfo=dt.UTC))
    assert await run_digest_job(bot) == ["Nothing new on raqqa since your last digest."]


async def story_headlines(bot: Harness) -> set[str]:
    """The headlines of the seed's three copies (#1-#3)."""
    found = await bot.services.archive.articles.get_many([1, 2, 3])
    return {a.title for a in found.values()}


async def run_digest_job(bot: Harness) -> list[str]:
    before = len(bot.fake.sent)
    [job] = bot.app.job_queue.get_jobs_by_name("digest:dispatch")
    await job.run(bot.app)
    return [m.text for m in bot.fake.sent[before:]]


async def test_split_and_join_are_audited_and_survive_a_rebuild(bot: Harness) -> None:
    await import_copies(bot)
    assert await bot.send("/split 3", user_id=READER) == [
        "Sorry, only the newsroom's editors can add or change articles. You can ask me anything "
        "about the archive, though."
    ]
    assert await bot.send("/split 3", user_id=EDITOR) == [
        "Article #3 is a story of its own now: answers and digests show it apart."
    ]
    assert await bot.send("/split 3", user_id=EDITOR) == [
        "Article #3 is alone in its story already."
    ]
    [answer] = await bot.send("Raqqa Old City wall breached", user_id=READER)
    assert answer.count("/read_") == 3
    assert await bot.send("/join 4 1", user_id=EDITOR) == [
        "Articles #4 and #1 are one story now: answers and digests show it once."
    ]
    assert await bot.send("/join 4 2", user_id=EDITOR) == [
        "Articles #4 and #2 are in one story already."
    ]
    assert await bot.send("/join 4", user_id=EDITOR) == [
        "Usage: /join &lt;article&gt; &lt;article&gt;, for example /join 42 57"
    ]
    assert await bot.send("/join 4 99", user_id=EDITOR) == [
        "There is no article #99 in the archive."
    ]
    # A story joined to itself was answered with the usage line, as if mistyped.
    assert await bot.send("/join 4 4", user_id=EDITOR) == [
        "Article #4 cannot be joined to itself: name two different articles, for example "
        "/join 42 57."
    ]
    assert await bot.send("/join 99 99", user_id=EDITOR) == [
        "There is no article #99 in the archive."
    ]
    entries = await bot.services.audit.recent()
    assert [(e.action, e.article_id, e.actor_id, e.detail) for e in entries[:2]] == [
        ("join", 4, EDITOR, "stories 4 and 1 are story 1"),
        ("split", 3, EDITOR, "left story 1"),
    ]
    before = await stories(bot)
    assert before == {1: 1, 2: 1, 3: 3, 4: 1}
    assert await bot.services.stories.rebuild() == 4
    assert await stories(bot) == before


async def test_the_audit_log_names_the_articles_a_join_or_split_moved(bot: Harness) -> None:
    # It said "join #4: stories 4 and 1 are story 1" and, for the article naming its story,
    # "split #1: left story 1": numbers of stories no command or reply shows.
    await import_copies(bot)
    await bot.send("/split 1", user_id=EDITOR)
    await bot.send("/join 4 1", user_id=EDITOR)
    [audit] = await bot.send("/audit", user_id=EDITOR)
    assert audit.split("\n")[1:3] == [
        "2026-11-25 06:00 user 1001 join: /read_4 “Food runs out in besieged Raqqa distric…” "
        "and /read_1 “US-backed forces in Syria have breached…” are one story",
        "2026-11-25 06:00 user 1001 split: /read_1 “US-backed forces in Syria have breached…” "
        "left the story of /read_2 “Raqqa's old city wall breached, says US…”",
    ]


async def test_a_fresh_story_map_reads_every_move_in_one_page(bot: Harness) -> None:
    from bot.stories.keeper import StoryMap

    await import_copies(bot)
    # Article 3 moves twice (out of story 1, then back): within one page its last row counts.
    for command in ("/split 3", "/join 3 1", "/split 2", "/join 4 2"):
        await bot.send(command, user_id=EDITOR)
    fresh = StoryMap()
    await fresh.refresh(bot.services.stories.store)
    ids = [1, 2, 3, 4]
    found = dict(zip(ids, fresh.stories(np.asarray(ids, dtype=np.int64)).tolist(), strict=True))
    assert found == await stories(bot)
    assert found[3] == 1 and found[2] == found[4] != 1


async def stories(bot: Harness) -> dict[int, int]:
    return await bot.services.stories.stories_of([1, 2, 3, 4])


async def test_articles_stored_without_a_story_get_one_at_start_up(bot: Harness) -> None:
    await import_copies(bot)
    await bot.services.stories.store.clear()
    assert await stories(bot) == {1: 1, 2: 2, 3: 3, 4: 4}
    assert await bot.services.stories.catch_up() == 4
    assert await stories(bot) == {1: 1, 2: 1, 3: 1, 4: 4}


def test_near_copies_and_different_reports_of_the_same_war() -> None:
    lines = (SAMPLE / "fakes.jsonl").read_text(encoding="utf-8").splitlines()
    sample = [json.loads(line) for line in lines]
    body = seed_body()
    for copy in (reuters_copy(), arabiya_copy()):
        assert similarity(shingles(body), shingles(copy)) > 0.8
        assert set(band_keys([body])[0]) & set(band_keys([copy])[0])
    # Two strike reports from the sample, different days: not joined.
    strikes = [a["text"] for a in sample if "air strike" in a["text"].lower()][:20]
    pairs = [(a, b) for i, a in enumerate(strikes) for b in strikes[i + 1 :]]
    assert max(similarity(shingles(a), shingles(b)) for a, b in pairs) < 0.5
    assert band_keys(["too short to compare"]) == [()]
    assert band_keys([body, "", body]) == [band_keys([body])[0], (), band_keys([body])[0]]


def test_trend_bars_count_each_story_once_at_its_first_copy() -> None:
    day = (dt.date(2024, 3, 4) - dt.date(1970, 1, 1)).days  # a Monday
    ids = np.array([5, 1, 2, 3, 4], dtype=np.int64)
    days = np.array([day + 15, day, day + 1, day + 8, day + 16], dtype=np.int64)
    story = np.array([5, 1, 1, 3, 1], dtype=np.int64)  # 4 is a late copy of story 1
    found = bars(ids, days, story)
    assert found.unit == "week"
    assert found.starts == (dt.date(2024, 3, 4), dt.date(2024, 3, 11), dt.date(2024, 3, 18))
    assert found.counts == (1, 1, 1)
    assert found.stories == 3
    # Ties: the earlier bars; each labelled by its best-ranked article (first in `ids`).
    assert found.peaks == (
        (dt.date(2024, 3, 4), 1, 1),
        (dt.date(2024, 3, 11), 1, 3),
        (dt.date(2024, 3, 18), 1, 5),
    )
    years = bars(ids, days + np.array([0, 0, 0, 0, 3 * 365]), story)
    assert years.unit == "month"
    assert years.starts[0] == dt.date(2024, 3, 1) and len(years.starts) == 37


async def test_trend_picture_for_a_small_archive(bot: Harness) -> None:
    await import_copies(bot)
    found = await trend(
        "Raqqa",
        index=bot.services.index,
        stories=bot.services.stories,
        articles=bot.services.archive.articles,
    )
    assert (found.unit, found.starts, found.counts) == (
        "week",
        (dt.date(2017, 7, 3), dt.date(2017, 7, 10)),
        (1, 1),
    )
    assert (found.articles, found.stories) == (4, 2)
    # Each peak is labelled with its best-matching headline: one of the story's three (they
    # score within the engine's rounding of each other).
    first, second = (p.headline for p in found.peaks)
    assert first in await story_headlines(bot)
    assert second == "Food runs out in besieged Raqqa districts"
    before = len(bot.fake.sent)
    await bot.app.process_update(bot.updates.message("/trend Raqqa", user_id=READER))
    [photo] = bot.fake.sent[before:]
    assert photo.method == "sendPhoto"
    assert photo.text == (
        "“Raqqa”: 2 stories (4 articles, 2 of them copies), by week from 2017-07-03 to "
        "2017-07-10; busiest week: 2017-07-03, 1 story."
    )
    png = photo.params["photo"]
    assert png.startswith(PNG_MAGIC)
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1000, 480)
    assert await bot.send("/trend zzzqqq", user_id=READER) == [
        "Nothing in the archive matches “zzzqqq”."
    ]
    # Stop words alone were "Nothing in the archive matches “of and”", as if none held them.
    assert await bot.send("/trend of and", user_id=READER) == [
        "“of and” holds no word to look for: topic words are words an article would use, "
        "for example syria raqqa."
    ]
    # A question's filters were searched as words: "Nothing in the archive matches “Raqqa
    # after:2017”", of a topic the archive holds.
    assert await bot.send("/trend Raqqa after:2017", user_id=READER) == [
        "/trend counts words only, not filters such as after:2017: the chart covers every date."
    ]
    # Another spelling of the name counts what a question with it finds: both stories (the
    # seed writes Raqa, the food story Raqqa).
    before = len(bot.fake.sent)
    await bot.app.process_update(bot.updates.message("/trend Raqa", user_id=READER))
    assert bot.fake.sent[before].text.startswith("“Raqa”: 2 stories (4 articles")
    for empty in ("/trend", "/trend \x07\x08"):  # the second was 'matches “”'
        assert await bot.send(empty, user_id=READER) == [
            "Usage: /trend &lt;words&gt;, for example /trend Raqqa airstrikes"
        ]


async def test_the_story_map_is_read_once_after_start_up(bot: Harness) -> None:
    await import_copies(bot)
    stories = bot.services.stories
    assert stories.map.known == 0  # nothing has read it yet
    [job] = bot.app.job_queue.get_jobs_by_name(WARM_JOB)
    await job.run(bot.app)
    read = stories.map.known
    assert read > 0
    # The copies' story, from memory: /trend and digests find the map already read.
    assert await stories.story_lookup([1, 2, 3, 4]) == {1: 1, 2: 1, 3: 1, 4: 4}
    assert stories.map.known == read


async def test_a_story_another_process_gave_first_is_kept(bot: Harness) -> None:
    # An import stores a batch, then gives it stories; another process starting meanwhile
    # (`newsbot import` beside it) gives stories to every article without one, that batch
    # too. The import's own assignment must then keep theirs, not fail the import.
    services = bot.services
    today = services.clock.now().date()
    created = await services.archive.articles.save_many(
        [build_article(seed_text(), today=today), build_article(reuters_copy(), today=today)],
        now=services.clock.now(),
    )
    other = StoryKeeper(StoryStore(services.db), services.clock)
    assert await other.catch_up() == 2
    await services.stories.assign([(c.article_id, c.text) for c in created])
    members = [await services.stories.store.membership(c.article_id) for c in created]
    assert [(m.story_id, m.reason) for m in members if m] == [(1, "first"), (1, "similar")]
    # Each article's band keys are stored once.
    keys = band_keys([created[0].text])[0]
    found = (await services.stories.store.candidates(keys)).as_lists()
    assert all(ids.count(1) == 1 for ids in found.values()) and len(found) == len(set(keys))


async def test_a_copy_whose_likeliest_match_is_deleted_meanwhile_finds_another(
    bot: Harness,
) -> None:
    # The story check reads which candidates are live, then the texts of those it may verify;
    # an article deleted in between (an editor's /delete) is passed over for the next copy.
    await import_copies(bot)
    services = bot.services
    deleted: list[int] = []

    class DeletedMeanwhile(StoryStore):
        async def live_texts(self, ids: Iterable[int], *, chars: int) -> dict[int, str]:
            if not deleted:
                deleted.extend(sorted(ids))
                for article_id in deleted:
                    assert (await services.archive.delete(article_id)).value is not None
            return await super().live_texts(ids, chars=chars)

    keeper = StoryKeeper(DeletedMeanwhile(services.db), services.clock)
    seed = seed_body().split("\n\n")
    late = "\n\n".join(["Raqqa wall breached", *seed[:-1], "Follow us on Telegram"])
    created = await services.archive.articles.save_many(
        [build_article(late, today=services.clock.now().date())], now=services.clock.now()
    )
    [assigned] = await keeper.assign([(c.article_id, c.text) for c in created])
    assert deleted and set(deleted) < {1, 2, 3}
    assert assigned.story_id == 1 and assigned.matched_id in {1, 2, 3} - set(deleted)


async def test_trend_of_a_stop_word_read_as_another_language_is_refused(bot: Harness) -> None:
    # English read as Nigerian Pidgin (py3langid does so with short texts): "the" alone is read
    # in the fields of languages without stop words, and /trend drew every article holding it.
    await import_copies(bot)
    pidgin = "The new reading rooms for the city were approved on Friday."
    report = await bot.services.archive.import_records(
        [ImportRecord(pidgin, title="", lang="pcm", date="2017-07-06")]
    )
    assert report.added == 1
    for words in ("the", "The", "a"):
        assert await bot.send(f"/trend {words}", user_id=READER) == [
            f"“{words}” holds no word to look for: topic words are words an article would use, "
            "for example syria raqqa."
        ], words
    # A stop word typed as a name still counts ("the US": the seed's US-backed forces).
    before = len(bot.fake.sent)
    await bot.app.process_update(bot.updates.message("/trend the US", user_id=READER))
    assert [m.method for m in bot.fake.sent[before:]] == ["sendPhoto"]


def test_trend_command_line_writes_a_png(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "EDITOR_IDS", "CHANNEL_IDS", "INDEX_DIR"):
        monkeypatch.delenv(key, raising=False)
    assert main(["import", "--quiet", str(SEED)]) == 0
    capsys.readouterr()
    out = tmp_path / "raqqa.png"
    assert main(["trend", "Raqqa wall", "--out", str(out)]) == 0
    assert capsys.readouterr().out == (
        "“Raqqa wall”: 1 story, by week from 2017-07-03 to 2017-07-03; busiest week: "
        "2017-07-03, 1 story.\n"
        f"Wrote {out}.\n"
    )
    assert out.read_bytes().startswith(PNG_MAGIC)
    assert main(["trend", "zzzqqq", "--out", str(tmp_path / "none.png")]) == 1
    assert not (tmp_path / "none.png").exists()
    # Words past 200 characters are not searched, and said back cut where they are.
    capsys.readouterr()
    assert main(["trend", "zzzqqq " * 40, "--out", str(tmp_path / "none.png")]) == 1
    shown = ("zzzqqq " * 40)[:200].rstrip()
    assert capsys.readouterr().out == f"Nothing in the archive matches “{shown}…”.\n"
    assert main(["trend", "of  and", "--out", str(tmp_path / "none.png")]) == 2
    assert capsys.readouterr().err == "newsbot trend: “of and” holds no word to look for\n"
    # A pasted page of nothing but too-long words is not said back whole.
    assert main(["trend", "x" * 5_000, "--out", str(tmp_path / "none.png")]) == 2
    assert capsys.readouterr().err == f"newsbot trend: “{'x' * 200}…” holds no word to look for\n"
    pidgin = tmp_path / "pidgin.jsonl"
    pidgin.write_text('{"text": "The reading rooms were approved.", "lang": "pcm"}\n')
    assert main(["import", "--quiet", str(pidgin)]) == 0
    capsys.readouterr()
    assert main(["trend", "the", "--out", str(tmp_path / "none.png")]) == 2
    assert capsys.readouterr().err == "newsbot trend: “the” holds no word to look for\n"
    assert not (tmp_path / "none.png").exists()
    assert main(["trend", "Raqqa source:reuters", "--out", str(tmp_path / "none.png")]) == 2
    assert capsys.readouterr().err == (
        "newsbot trend: counts words only, not filters such as source:reuters: the chart "
        "covers every date\n"
    )
    # No words: the usage, not "Nothing in the archive matches “”".
    assert main(["trend", " ", "--out", str(tmp_path / "none.png")]) == 2
    assert capsys.readouterr().err.startswith("newsbot trend: give the words")
    assert not (tmp_path / "none.png").exists()
    # Another kind of file: the picture went into x.txt. The caption is the text.
    for name in ("x.txt", "chart"):
        assert main(["trend", "Raqqa", "--out", str(tmp_path / name)]) == 2
        png = Path(name).with_suffix(".png")
        assert capsys.readouterr() == (
            "",
            f"newsbot trend: the picture is a PNG: name the file {png}, not {name}\n",
        )
        assert not (tmp_path / name).exists()
    assert main(["trend", "Raqqa", "--out", str(tmp_path / "upper.PNG")]) == 0
    capsys.readouterr()
    # A place it cannot write is said before the archive is searched, as export says it.
    assert main(["trend", "Raqqa", "--out", str(tmp_path / "no" / "t.png")]) == 2
    assert capsys.readouterr() == (
        "",
        f"newsbot trend: there is no folder {tmp_path / 'no'} to write t.png in\n",
    )
    assert main(["trend", "Raqqa", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"newsbot trend: {tmp_path} is a folder; name the file to write, "
        f"e.g. {tmp_path / 'trend.png'}\n"
    )


async def test_an_edited_article_is_found_by_its_new_text(bot: Harness) -> None:
    await import_copies(bot)
    old = band_keys([reuters_copy()])[0]
    assert 2 in {
        a
        for ids in (await bot.services.stories.store.candidates(old)).as_lists().values()
        for a in ids
    }
    new_text = " ".join(f"word{n} of a wholly different report" for n in range(40))
    [edited] = await bot.send(f"/edit 2 {new_text}", user_id=EDITOR)
    assert edited.startswith("Edited #2")
    found = (await bot.services.stories.store.candidates(old)).as_lists()
    assert 2 not in {a for ids in found.values() for a in ids}
    renewed = (await bot.services.stories.store.candidates(band_keys([new_text])[0])).as_lists()
    assert {a for ids in renewed.values() for a in ids} == {2}


async def test_trend_counts_articles_when_too_many_match(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await import_copies(bot)
    monkeypatch.setattr("bot.stories.trend.EXACT_LIMIT", 3)
    found = await trend(
        "Raqqa",
        index=bot.services.index,
        stories=bot.services.stories,
        articles=bot.services.archive.articles,
    )
    # Counted by the index per day: copies are not merged, and the caption says so.
    assert (found.merged, found.counts, found.articles) == (False, (3, 1), 4)
    assert [(p.start, p.count) for p in found.peaks] == [
        (dt.date(2017, 7, 3), 3),
        (dt.date(2017, 7, 10), 1),
    ]
    assert found.peaks[0].headline in await story_headlines(bot)
    assert found.caption() == (
        "“Raqqa”: 4 articles (too many to merge copies into stories), by week from 2017-07-03 "
        "to 2017-07-10; busiest week: 2017-07-03, 3 articles."
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["Raqqa", "aid", "convoy,", "é", "the", "\n", "42"]), max_size=120
        ).map(" ".join),
        min_size=1,
        max_size=6,
    )
)
def test_signatures_give_the_shingles_of_each_text_with_keys(texts: list[str]) -> None:
    # The import verifies a new article against its candidates with these shingles.
    keys, own = signatures(texts)
    assert keys == band_keys(texts)
    for text, found in zip(texts, own, strict=True):
        if found is None:
            assert band_keys([text]) == [()]
        else:
            assert np.array_equal(found, shingles(text))


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(st.lists(st.integers(0, 12), max_size=12).map(tuple), max_size=6),
    stored=st.dictionaries(
        st.integers(0, 12), st.lists(st.integers(1, 40), min_size=1, max_size=60), max_size=13
    ),
    stories=st.dictionaries(st.integers(1, 40), st.integers(1, 6), max_size=40),
    at_once=st.integers(1, 7),
)
def test_each_storys_best_candidate_is_counted_for_a_batch_at_once(
    keys: list[tuple[int, ...]],
    stored: dict[int, list[int]],
    stories: dict[int, int],
    at_once: int,
) -> None:
    # The plain definition: per new article, each live candidate (a key of `stories`) under
    # a key held by at most MAX_PER_KEY articles, counted once for each of its keys (a key
    # twice in the article's keys counts twice), then the best of each story.
    expected = []
    for ks in keys:
        shared: dict[int, int] = {}
        for key in ks:
            ids = stored.get(key, [])
            if len(ids) <= MAX_PER_KEY:
                for other in ids:
                    if other in stories:
                        shared[other] = shared.get(other, 0) + 1
        best: dict[int, tuple[int, int]] = {}
        for other, count in shared.items():
            story = stories[other]
            if story not in best or (-count, other) < (-best[story][0], best[story][1]):
                best[story] = (count, other)
        expected.append({other: count for count, other in best.values()})
    live = LiveStories.of_dict(stories)
    candidates = Candidates.of_lists(stored, most=MAX_PER_KEY)
    best, chosen = _best_stored(keys, candidates, live, at_once=at_once)
    assert best == expected
    assert chosen == {other: stories[other] for shared in expected for other in shared}


async def test_newest_first_lists_read_newest_first_by_the_dates_they_show(bot: Harness) -> None:
    # A story's later, shorter copy put it first, shown by its earlier complete copy: "Raqqa
    # wall breached (2017-07-04)" above "Food runs out (2017-07-06)".
    for text in (
        seed_text(),
        f"date 2017-07-08\n{reuters_copy()}",
        f"date 2017-07-06\nFood runs out in besieged Raqqa districts\n\n{FOOD_TEXT}",
    ):
        [saved] = await bot.send(text, user_id=EDITOR)
        assert saved.startswith("Saved #"), saved
    wall = (
        "US-backed forces in Syria have breached the wall surrounding the Old City of Raqa as "
        "they try to retake the…"
    )
    listed = [
        "1. Food runs out in besieged Raqqa districts (2017-07-06) /read_3",
        f"2. {wall} (2017-07-04) /read_1",
    ]
    assert (await bot.send("what's new?", user_id=READER))[0].split("\n") == [
        "The newest articles:",
        *listed,
    ]
    assert (await bot.send("latest news about Raqqa", user_id=READER))[0].split("\n") == [
        "Newest articles for latest news about Raqqa:",
        *listed,
    ]
    [digest] = await bot.send("/digest", user_id=READER)
    assert [line for line in digest.split("\n") if line.startswith("<b>")] == [
        "<b>Digest</b> · 2 new articles in the last 24 hours, newest first",
        "<b>Food runs out in besieged Raqqa districts</b>",
        f"<b>{wall}</b>",
    ]


async def test_a_newest_first_list_s_next_page_holds_no_newer_story(bot: Harness) -> None:
    # Placed by its newest copy (2017-07-08) on the first page, shown by its complete copy of
    # 2017-07-04 at the page's end: the "More" page then began with a story of 2017-07-05.
    # (No two stories share a day: the engine's order within a day is not this test's.)
    texts = [
        seed_text(),
        f"date 2017-07-08\n{reuters_copy()}",
        f"date 2017-07-06\nFood runs out in besieged Raqqa districts\n\n{FOOD_TEXT}",
    ]
    others = {
        "2017-07-07": "Dam engineers reach Tabqa",
        "2017-07-05": "Schools reopen in Manbij",
        "2017-07-03": "Wheat harvest begins near Hasakah",
    }
    for day, headline in others.items():
        body = (
            f"{headline} after weeks of delay, officials said on the day. "
            f"Residents of the area described the {headline.split()[0].lower()} news as "
            "welcome, though much remains uncertain for the coming months."
        )
        texts.append(f"date {day}\n{headline}\n\n{body}")
    for text in texts:
        [saved] = await bot.send(text, user_id=EDITOR)
        assert saved.startswith("Saved #"), saved
    [first] = await bot.send("what's new?", user_id=READER)
    answer = bot.fake.sent[-1]
    assert first.split("\n") == [
        "The newest articles:",
        "1. Dam engineers reach Tabqa (2017-07-07) /read_4",
        "2. Food runs out in besieged Raqqa districts (2017-07-06) /read_3",
        "3. Schools reopen in Manbij (2017-07-05) /read_5",
    ]
    [more] = await bot.process(bot.updates.callback("more:3", answer, user_id=READER))
    wall = (
        "US-backed forces in Syria have breached the wall surrounding the Old City of Raqa as "
        "they try to retake the…"
    )
    assert more.split("\n") == [
        "Results 4–5:",
        f"4. {wall} (2017-07-04) /read_1",
        "   <i>also in: 1 other copy</i>",
        "5. Wheat harvest begins near Hasakah (2017-07-03) /read_6",
    ]


async def two_copies_one_holding_the_keys(bot: Harness) -> list[int]:
    """Articles 1 and 2: one text, its punctuation changed (every band key alike). 2 stores
    none of its keys, as its story holds them all; returns them."""
    body = seed_body()
    report = await bot.services.archive.import_records(
        [
            ImportRecord(body, title="Raqqa wall breached", source="CNN", date="2017-07-04"),
            ImportRecord(body.replace("“", '"', 1), source="BBC", date="2017-07-04"),
        ]
    )
    assert (report.added, report.rejected) == (2, [])
    keys = band_keys([body])[0]
    held = (await bot.services.stories.store.candidates(keys)).as_lists()
    assert {a for ids in held.values() for a in ids} == {1}
    return list(keys)


async def a_third_copy(bot: Harness) -> tuple[int, int | None]:
    """Import another outlet's copy of articles 1 and 2: its story and the copy it matched."""
    body = seed_body().replace("”", '"', 1)
    report = await bot.services.archive.import_records(
        [ImportRecord(body, source="AP", date="2017-07-05")]
    )
    assert report.added == 1
    member = await bot.services.stories.store.membership(3)
    assert member is not None
    return member.story_id, member.matched_id


async def test_a_copy_stores_only_the_band_keys_its_story_lacks(bot: Harness) -> None:
    # Each copy of a story republished fifty times stored ten keys, so a new copy read fifty
    # holders of each (a million-article import spent a third of its time on it).
    await import_copies(bot)
    stored = await bot.services.archive.articles.get_many([1, 2, 3])
    keys = [k for ks in band_keys([a.text for a in stored.values()]) for k in ks]
    held = (await bot.services.stories.store.candidates(keys)).as_lists()
    per_article = {a: sum(a in ids for ids in held.values()) for a in (1, 2, 3)}
    assert per_article[1] == 10 and per_article[2] + per_article[3] < 20
    # Yet every key of every copy is held by one of the story's articles.
    assert set(held) == set(keys)


async def test_a_story_s_keys_outlive_the_copy_that_held_them_deleted(bot: Harness) -> None:
    await two_copies_one_holding_the_keys(bot)
    assert (await bot.services.archive.delete(1)).value is not None
    # The copy left (2) is found by a new copy: it holds the story's keys now.
    assert await a_third_copy(bot) == (1, 2)


async def test_a_story_s_keys_outlive_the_copy_that_held_them_edited(bot: Harness) -> None:
    await two_copies_one_holding_the_keys(bot)
    other = " ".join(f"word{n} of a wholly different report" for n in range(40))
    [edited] = await bot.send(f"/edit 1 {other}", user_id=EDITOR)
    assert edited.startswith("Edited #1")
    assert await a_third_copy(bot) == (1, 2)


async def test_a_split_copy_and_its_story_keep_every_key(bot: Harness) -> None:
    keys = await two_copies_one_holding_the_keys(bot)
    assert await bot.send("/split 2", user_id=EDITOR) == [
        "Article #2 is a story of its own now: answers and digests show it apart."
    ]
    held = (await bot.services.stories.store.candidates(keys)).as_lists()
    assert all(sorted(ids) == [1, 2] for ids in held.values())
    # (With 1 deleted, a new copy is 2's, the story split out.)
    assert (await bot.services.archive.delete(1)).value is not None
    assert await a_third_copy(bot) == (2, 2)


async def test_a_story_with_more_copies_than_a_key_may_hold_still_takes_new_ones(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Keys held by more than MAX_PER_KEY articles are boilerplate, not read. When every copy
    # held its keys, a wire story run by more outlets than that lost its keys to the rule, and
    # each later copy became a story of its own.
    monkeypatch.setattr("bot.stories.keeper.MAX_PER_KEY", 2)
    body = seed_body()
    outlets = ["CNN", "BBC", "AP", "AFP", "DPA"]
    records = [
        ImportRecord(body.replace("“", '"', n) if n else body, source=outlet, date="2017-07-04")
        for n, outlet in enumerate(outlets)
    ]
    for record in records:  # one at a time: each is stored before the next comes
        assert (await bot.services.archive.import_records([record])).added == 1
    assert set((await stories_of_five(bot)).values()) == {1}


async def stories_of_five(bot: Harness) -> dict[int, int]:
    return await bot.services.stories.stories_of([1, 2, 3, 4, 5])


async def test_a_copy_whose_story_s_copies_are_all_deleted_starts_its_own(bot: Harness) -> None:
    # The keys read were all held by deleted articles: none live to count them for.
    await two_copies_one_holding_the_keys(bot)
    for article_id in (1, 2):
        assert (await bot.services.archive.delete(article_id)).value is not None
    assert await a_third_copy(bot) == (3, None)
