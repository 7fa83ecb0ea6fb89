"""Hostile inputs by category: the reliability tests and bench/fuzz.py draw from the same lists."""

from __future__ import annotations

import random
import string

from bot.commands import COMMANDS

# Each category: fixed examples, then a generator of random variations.
FIXED: dict[str, tuple[str, ...]] = {
    "empty": ("", " ", "\n", "\t \n  ", "\u00a0", "\u3000"),
    "long": ("a" * 4096, ("word " * 820)[:4096], "я" * 4096, "&" * 4096, "<" * 4096),
    "html": (
        "<b>bold",
        "</b>",
        "<script>alert(1)</script>",
        "<a href='javascript:x'>x</a>",
        "&amp; &lt; &gt; &#0; &#xD800; &bogus;",
        "a < b > c & d",
        '<tg-spoiler>"</tg-spoiler>',
        "<b><i>nested</b></i>",
    ),
    "markdown": ("*bold", "_it_ __u__ ~s~ ||sp||", "```\ncode", "[link](http://x", "\\*\\_\\`"),
    "scripts": (
        "مرحبا بالعالم ما الأخبار في الرقة؟",
        "שלום עולם",
        "Raqqa الرقة Ракка 拉卡",
        "\u202eevil\u202c rtl override",
        "\u200f\u200eLRM RLM",
    ),
    "emoji": ("🔥" * 50, "👨‍👩‍👧‍👦 family", "🏳️‍🌈", "\U0001f600" * 2048, "🇸🇾 raqqa?"),
    "zero_width": (
        "r\u200ba\u200bq\u200bq\u200ba",
        "\ufeffraqqa",
        "\u200d\u200c\u2060",
        "a\u00adb",
    ),
    "control": ("\x00", "\x07\x08\x1b[31mred", "line\rbreak", "\x7f\x85\u2028\u2029", "\ud800"),
    "search_syntax": (
        '"',
        '"unclosed phrase',
        "*",
        "raqqa*",
        "(",
        ")",
        "((((((((((",
        "NEAR",
        "raqqa NEAR/3 siege",
        "AND",
        "OR NOT AND",
        ":",
        "title:raqqa",
        "text:",
        "-",
        "-raqqa",
        "--",
        "^2",
        "raqqa~2",
        "[a TO z]",
        "{}",
        "+",
        "\\",
        "'",
    ),
    "sql": (
        "'; DROP TABLE articles; --",
        "1 OR 1=1",
        '" OR ""="',
        "Robert'); DELETE FROM subscriptions;--",
        "%' UNION SELECT * FROM chats --",
        "\\'",
    ),
    "huge": (" ".join(["raqqa"] * 10_000), " ".join(f"w{i}" for i in range(10_000))),
    "commands": (
        "/ask",
        "/ask    ",
        "/read",
        "/read 99999999999999999999999",
        "/read -1",
        "/read_0",
        "/delete",
        "/delete 1; drop",
        "/restore",
        "/restore abc",
        "/subscribe 25:99",
        "/subscribe 08:00 " + "x" * 5000,
        "/unsubscribe 999",
        "/timezone Mars/Olympus",
        "/timezone ../../etc/passwd",
        "/digest " + "*" * 300,
        "/add",
        "/audit 5",
        "/stats extra",
        "/help@other_bot",
        "/unknown_command",
        # Digits int() refuses ("²" passes str.isdigit); these crashed the handlers once.
        "/read ²",
        "/delete ²",
        "/restore ³",
        "/edit ¹ Raqqa siege report",
        "/unsubscribe ²",
    ),
}

_ALPHABETS = {
    "html": "<>&;/\"'=!?[]-#abc ",
    "markdown": "*_~`[]()|\\ab ",
    "scripts": "abcابتثجשלוםРаккаक्ष拉卡 ",
    "emoji": "🔥👨‍👩‍👧🏳️🇸🇾😀 a",
    "zero_width": "\u200b\u200c\u200d\u2060\ufeff\u00ad a",
    "control": "".join(chr(c) for c in range(32)) + "\x7f\x85a ",
    "search_syntax": '"*()-+:^~[]{}\\!?/ ANDORNEAR raqqa',
    "sql": "';-=%*()SELECTDROP OR1 ",
}


# Arguments that look like numbers, times or ids: Unicode has digits int() refuses ("²").
NUMBERISH = (
    *("1", "0", "-1", "+1", "#1", "1_000", "1e3", "0x10", " 1 ", "9" * 30, "１２", "١٢", "²"),
    *("⑫", "𝟙", "Ⅻ", "08:00", "٠٨:٣٠", "24:00", "8h00", "all", "ALL", "1 2", "1,2"),
)
_COMMAND_WORDS = (*(f"/{c.name}" for c in COMMANDS), "/read_1", "/unknown_command")
_MENTIONS = ("", "", "@newsroom_test_bot", "@other_bot", "@")


def generate(category: str, rng: random.Random) -> str:
    """One random input of a category."""
    if category in _ALPHABETS:
        return _draw(_ALPHABETS[category], rng.randint(1, 300), rng)
    if category == "empty":
        return _draw(" \t\n\u00a0\u3000", rng.randint(0, 20), rng)
    if category == "long":
        return _draw(string.printable, rng.randint(3500, 4096), rng)
    if category == "huge":
        return " ".join(rng.choices(("raqqa", "siege", "the", "*", '"'), k=10_000))
    if category == "commands":
        return _command(rng)
    if category == "unicode":
        return "".join(chr(rng.randint(1, 0x10FFFF)) for _ in range(rng.randint(1, 100)))
    raise KeyError(category)


def _draw(alphabet: str, size: int, rng: random.Random) -> str:
    return "".join(rng.choices(alphabet, k=size))


def _command(rng: random.Random) -> str:
    """A command with a missing, malformed, number-like or hostile argument."""
    roll = rng.random()
    if roll < 0.3:
        return rng.choice(FIXED["commands"]) + rng.choice(("", " ", " 1", " <b>", " \x00", " 🔥"))
    word = rng.choice(_COMMAND_WORDS) + rng.choice(_MENTIONS)
    if roll < 0.65:
        argument = " ".join(rng.choices(NUMBERISH, k=rng.randint(1, 3)))
    else:
        # E.g. "/edit 1 <text>": a number, then hostile text.
        other = rng.choice((*_ALPHABETS, "unicode", "empty"))
        argument = rng.choice(("", *NUMBERISH[:4], "١٢ ")) + " " + generate(other, rng)
    return f"{word} {argument}"


CATEGORIES = (*FIXED, "unicode")


def file_cases(limit: int) -> dict[str, tuple[str, bytes]]:
    """Files that must be refused or read cleanly: (name, content) by case."""
    big = (b"Raqqa siege report. " * (limit // 20 + 1))[:limit]
    return {
        "at the size limit": ("big.txt", big),
        "binary with .txt": ("photo.txt", bytes(range(256)) * 64),
        # No NUL in its first 8 KiB: it was "not valid UTF-8 text (bad byte at position 0)".
        "binary without a NUL": ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(1, 256)) * 64),
        # Not UTF-8: read as Windows-1252 (was "not valid UTF-8 text").
        "Latin-1 text": ("latin1.txt", "Raqqa café siège. ".encode("latin-1") * 10),
        "invalid UTF-8 JSON Lines": ("latin1.jsonl", b'{"text": "Raqqa caf\xe9"}\n'),
        "empty file": ("empty.txt", b""),
        "HTML that breaks Telegram": ("page.html", b"<html><b>Raqqa <i>siege</b> & <x>" * 20),
        # `<![` without a section name made Python's HTML parser raise (found by the fuzzer).
        "HTML with a bogus <![ section": (
            "notes.html",
            b"<p>Raqqa siege notes</p><![%\tsT42 x]><p>Civilians are still trapped in the city, "
            b"aid groups said on Tuesday.</p><![>",
        ),
        "broken JSONL": ("many.jsonl", b'{"text": 1}\n{not json\n\xff\xfe\n[]\n'),
        "unknown extension": ("x.exe", b"MZ\x90\x00"),
        # Bytes with no NUL, saved as UTF-8 after being read as Latin-1: valid text to a decoder.
        "binary read as Latin-1": ("photo.txt", BYTES_AS_LATIN1.encode() * 8),
    }


# Every byte but NUL read as Latin-1: what a binary file opened as text and pasted becomes.
BYTES_AS_LATIN1 = bytes(range(1, 256)).decode("latin-1")
