"""Page clutter in an article's text (datelines, bylines, tag lists, captions...) and its agency.

Recognised once, at import: the spans found are stored with the article (`clutter`), and the
answer-sentence choice never quotes from them. Clutter is often glued to a real sentence in
scraped texts ("Date of publication 12 June 2016 Dozens of civilians have been killed..."), so
it is a span of characters, not a whole sentence.
"""

from __future__ import annotations

import functools
import re


def _one_of(words: tuple[str, ...] | list[str]) -> str:
    """A regex of any of `words` as a tree of their letters, "A(?:FP|P)" for "AFP|AP": re tries
    the alternatives of a list one by one at each place, and a place after a line break tried
    forty in a list of names (the strings matched are the list's, in any order)."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        if word:
            by_first.setdefault(word[0], []).append(word[1:])
    parts = []
    for first, rests in sorted(by_first.items()):
        rest = _one_of(rests)
        if not rest:
            parts.append(re.escape(first))
        elif "" in rests:
            parts.append(f"{re.escape(first)}(?:{rest})?")
        elif len({r[0] for r in rests}) > 1:
            parts.append(f"{re.escape(first)}(?:{rest})")
        else:
            parts.append(re.escape(first) + rest)
    return "|".join(parts)


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"
_DATE = (
    rf"(?:\d{{1,2}}[-./]\d{{1,2}}[-./]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|"
    rf"\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s*\d{{4}})"
)
# Sputnik's share stub: "Get short URL 0 110", "Get short URL Topic Battle Against Daesh in
# Syria (180) 0 54" (its topic and counters; the lead follows).
_SHORT_URL = r"get short url(?:\s+topic\s[^()]{0,80}\(\d+\))?(?:\s*\d+){0,3}"
# A dateline at the start: "Date of publication 7 July 2016", "Wed 05 Apr 2017 at 0914",
# "01.10.2017Get short URL 4016", "28.05.2017(updated 1549 28.05.2017)".
_LEAD_DATE = re.compile(
    rf"\s*(?:(?:date of publication|published(?: on)?|updated|last updated|posted)"
    rf"(?:\s+at)?\s*:?\s*)?"
    rf"(?:{_WEEKDAY}\s+)?{_DATE}"
    r"(?:\s*\(updated[^)]{0,40}\))?"
    r"(?:\s*(?:at\s+)?\d{1,2}:?\d{2}(?:\s*(?:(?:gmt|utc)(?:\s*[+−-]\d{1,2}(?::?\d\d)?)?|am|pm))?\b)?"
    rf"(?:\s*{_SHORT_URL})?(?:\s*video\b)?[\s.:|-]*",
    re.IGNORECASE,
)
AGENCIES = {
    "afp": "AFP",
    "reuters": "Reuters",
    "ap": "AP",
    "associated press": "AP",
    "dpa": "dpa",
    "xinhua": "Xinhua",
    "sputnik": "Sputnik",
    "tass": "TASS",
    "anadolu": "Anadolu",
    "aa": "Anadolu",
    "sana": "SANA",
    "upi": "UPI",
    "ians": "IANS",
    "pti": "PTI",
    # ... as Russian, Arabic and Persian outlets write them.
    "рейтер": "Reuters",
    "рейтерс": "Reuters",
    "франс пресс": "AFP",
    "тасс": "TASS",
    "риа новости": "RIA Novosti",
    "интерфакс": "Interfax",
    "прайм": "Prime",
    "синьхуа": "Xinhua",
    "رويترز": "Reuters",
    "فرانس برس": "AFP",
    "أ ف ب": "AFP",
    "سانا": "SANA",
    "الأناضول": "Anadolu",
    "رویترز": "Reuters",
    "ایرنا": "IRNA",
    "ایسنا": "ISNA",
}
_AGENCY = (
    r"(?:AFP|Reuters|REUTERS|AP|Associated Press|dpa|DPA|Xinhua|Sputnik|TASS|Anadolu|AA|SANA|"
    r"UPI|IANS|PTI|Рейтерс|Рейтер|Франс Пресс|ТАСС|РИА Новости|Интерфакс|Синьхуа|رويترز|"
    r"فرانس برس|أ ف ب|سانا|الأناضول|رویترز|ایرنا|ایسنا)"
)
# An agency and date after the headline: "AFP Saturday 21 Jun 2014".
_LEAD_AGENCY = re.compile(rf"\s*{_AGENCY}\s+(?:{_WEEKDAY}\s+)?{_DATE}[\s.:-]*", re.IGNORECASE)
# An agency in brackets, with the place before it: "BEIRUT (Reuters) -", "MOSCOW (Sputnik)".
_DATELINE = re.compile(rf"\(({_AGENCY})\)\s*[-–—:]?\s*")
_PLACE_BEFORE = re.compile(r"(?:[A-Z][A-Z.'-]+[ ,]+){1,3}$")
# In scripts other than Latin (some without capitals), a line's first few words, a date among
# them, before an agency and a dash: "Бейрут (Рейтер) -", "МОСКВА, 4 июля (Рейтер) -",
# "بيروت (رويترز) -" (without the dash they are a sentence's subject: "the official agency
# (SANA) reported").
_LINE_PLACE_BEFORE = re.compile(
    r"(?:^|(?<=\n))\s*[^\W\d_a-zA-Z][\w.'-]*(?:[ ,]+[\w.'-]+){0,3}[ ,]+$"
)
_DASHED = re.compile(r"\)\s*[-–—]")
# An outlet's dateline opening the lead: "(CNN) The US...", "New York (CNN Business) Tati...",
# "(TRT World and Agencies) Two...", "DAMASCUS Syria (The Associated Press Albert Aji) Syrian..."
# (a place of a few capitalised words, the outlet in brackets, a capital after; "Asbury
# Park (N.J.) Press" is a newspaper's name).
_LEAD_OUTLET = re.compile(
    r"\s*((?:[A-Z][\w.'-]*,?\s+){0,4})\(([A-Z][\w&'-]*(?:\s+(?:and\s+)?[A-Z][\w&'-]*){0,4})\)"
    r"\s*[-–—]*\s*(?=[\"“‘']?[A-Z0-9])"
)
# A bare dateline opening the lead, its brackets and dashes lost in scraping: a place in
# capitals, maybe its country ("BEIRUT Syrian government forces...", "KHAN SHEIKHUN Syria A
# suspected chemical attack...", "AMMAN Nearly 50 air strikes..."), an agency ("AFP Eleven
# children...", "SANA Members of ISIS...") or a page's label ("UPDATED"). Capitals the text
# writes again are an acronym, its subject ("ISIL Kills over 50..."), unless an agency's.
_CAPS_RUN = r"[ \t]*([A-Z][A-Z'’-]*[A-Z](?:[ \t]+[A-Z][A-Z'’-]*[A-Z]){0,2})"
# ... with a dash after it and maybe its state or country: "WASHINGTON — ", "ROCHESTER, N.Y. — "
_LEAD_CAPS_DASHED = re.compile(
    _CAPS_RUN + r"(?:,[ \t]*[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*)?)?[ \t]*(?:--|[-–—−―‒])[ \t]+"
    r"(?=[\"“‘']?[A-Z0-9])"
)
# ... or without: a sentence opening after it ("BEIRUT Syrian...", "JISREEN Syria At least").
_LEAD_CAPS = re.compile(
    _CAPS_RUN + r"(?:,?[ \t]+[A-Z][a-z]+(?=[ \t]+(?:A|An|At|The|In|On|Some|More|Two|Three|\d)\b))?"
    r",?[ \t]+(?=[\"“‘']?(?:[A-Z][a-z]|A\b|\d))"
)
# A place's letters at least (shorter capitals are acronyms: "UN", "SDF", "YPG").
MIN_DATELINE_PLACE = 4
_PAGE_LABELS = frozenset({"UPDATED", "BREAKING", "EXCLUSIVE", "WATCH"})
# A title and a name after capitals: an acronym's office ("UNICEF Director Alan Lane said",
# "NATO Secretary General Jens..."), where a dateline's sentence goes on in small letters.
_TITLE_AND_NAME = re.compile(r"[A-Z][\w-]*\s+[A-Z]")
# A dateline with its byline in the brackets, after the lead a page printed once before the
# story: '... "as their last card." DAMASCUS Syria (The Associated Press Albert Aji) Syrian
# state media accused...'.
_BYLINED = re.compile(
    rf"\((?:The\s+)?(?:{_one_of(_AGENCY.removeprefix('(?:').removesuffix(')').split('|'))})"
    r"\s[^()\n]{1,50}\)\s*[-–—:]?\s*"
)
BYLINED_WITHIN = 3_000
_PLACE_AND_COUNTRY_BEFORE = re.compile(r"(?:[A-Z][A-Z.'-]+[ ,]+){1,3}(?:[A-Z][a-z]+[ ,]+)?$")
# ... and on a line of its own, with the place before it: "Moscow and Kyiv, Ukraine CNN —",
# "New York CNN Business —" (an outlet in capitals, then a dash ending the line).
MAX_OUTLET_LINE_CHARS = 100
_DASHES = ("-", "–", "—")
_LEAD_OUTLET_LINE = re.compile(
    r"[^\n]{0,80}?\b[A-Z]{2,}(?: [A-Z][a-z]+)?[ \t]*[-–—][ \t]*(?=\n|\Z)"
)
# ... and an outlet in brackets opening a later paragraph, nothing before it on its line.
_PARAGRAPH_OUTLET = re.compile(
    r"\n\([A-Z][\w&'-]*(?:[ \t]+[A-Z][\w&'-]*){0,2}\)[ \t]*[-–—]?[ \t]*(?=[\"“‘']?[A-Z0-9])"
)
# "Reuters - " / "AFP -" at the start of a paragraph.
_AGENCY_DASH = re.compile(rf"({_AGENCY})\s+[-–—]\s+")
# What such a line starts with (a cheap test before the regex).
_AGENCY_NAMES = tuple(_AGENCY.removeprefix("(?:").removesuffix(")").split("|"))
# An agency named at a line's start, in any case, after white space: where a line of
# `agency` can match _AGENCY_DASH or _LEAD_AGENCY (one search instead of two tries a line).
_LINE_AGENCY = re.compile(rf"\n[^\S\n]*(?i:{_one_of(_AGENCY_NAMES)})")
_FIRST_LINE_AGENCY = re.compile(rf"[^\S\n]*(?i:{_one_of(_AGENCY_NAMES)})")
# Russian agencies' own datelines, a place in capitals and a date before them: "МОСКВА, 5
# декабря. /ТАСС/. ", "ВАШИНГТОН, 5 декабря. /Корр. ТАСС Иван Лебедев/. ", "МОСКВА, 5 дек —
# РИА Новости. ".
_RUSSIAN_DATELINE = re.compile(
    r"(?:^|(?<=\n))[А-ЯЁ][А-ЯЁ.-]*(?: [А-ЯЁ][А-ЯЁ.-]*){0,2}, \d{1,2} [а-яё]{3,9}\.?"
    r"(?: \d{4}\.?)?\s*(?:/(?:Корр\.\s+)?(ТАСС)[^/\n]{0,60}/|[—–-]\s*(РИА Новости|Прайм))\.?\s*"
)
# "- REUTERS" signing off at the end.
_SIGN_OFF = re.compile(rf"\s[-–—]\s*({_AGENCY})\s*$")
# Everything after these is a list of other stories, share buttons or comments.
_TAIL_MARKS = (
    "Related News",
    "Related Articles",
    "Read Also",
    "Read more",
    "More from",
    "Community standards",
    "Comment via Facebook",
    "Share this article",
    "Share on Facebook",
)
# A view count and "Related" before a tail mark, within this many characters of it; the page's
# topic with its story count may stand between ("... 43 Topic Violence Erupts as Islamic State
# Rises (1881) Related ...").
_VIEWS_RELATED = re.compile(
    r"(?:\.\.\.\s+)?(?:\b\d+ (?:Topic [^()\n]{1,150} \(\d+\) )?|\bTopic [^()\n]{1,150} \(\d+\) )"
    r"Related "
)
MAX_RELATED_CHARS = 1_500
# "Source AA" before a tail mark is the credit line of the page.
_SOURCE_BEFORE = re.compile(r"Source\s+[A-Z]{2,}\s+$")
# A tag list glued before the lead: "Tags Syria warplane shelling pilot Jayrud Qalamoun At least
# 43 people...". Tags are names and topic words, lowercase ones too, but never a phrase of
# prose: the lead starts at the first word after a tag that is one of these openers or a
# capitalised word that prose follows (`_prose_after`). Within this many words.
MAX_TAG_WORDS = 25
_TAG_WORD = re.compile(r"\S+")
_LEAD_OPENERS = frozenset(
    re.findall(
        r"\w+",
        """
        The A An At In On As After Over Nearly Almost About More Some Several Many Dozens Scores
        Hundreds Thousands Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen
        Fourteen Fifteen Sixteen Seventeen Eighteen Nineteen Twenty Thirty Forty Fifty Sixty
        Seventy Eighty Ninety
        """,
    )
)
_FUNCTION_WORDS = frozenset(
    re.findall(
        r"\w+",
        "the a an of in on at to for from by with and or has have had was were is are be been "
        "said say says",
    )
)
# Al-Ahram's bar of buttons and counters, between its header and the lead ("Print Tweet Views
# 729 Related IS group claims ... Double bomb attack kills 31 ... -A double bomb attack..."),
# and how long the header before it may be (its headline, agency and date: no sentence).
_PRINT_BAR = re.compile(r"Print\s+Tweet(?:\s+Views\s+\d+)?(?:\s+Related\b)?")
MAX_HEADER_CHARS = 200
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_ARTICLES = frozenset({"a", "an", "the"})
# How many lowercase words after a capitalised one may come before a function word.
_PROSE_REACH = 4
# Tags with no sentence after them, to the end of the text.
_TAGS_TO_END = re.compile(r"Tags\b[^.!?]*$")
# Share prompts and short-link stubs, found by their first words.
_PROMPTS = {
    "Get short URL": re.compile(_SHORT_URL, re.IGNORECASE),
    "Follow us on": re.compile(r"Follow us on \w+"),
    "Click ": re.compile(r"Click (?:here[^.!?]*[.!?]?|to enlarge[\])]?)"),
    # To the sentence's end or its line's ("Sign up now to get football news delivered to
    # your inbox" has no full stop; the next paragraph is the story's), then the blurb after
    # it when that ends its line with no full stop, as prose would not: "Sign up for CNN's
    # Wonder Theory science newsletter. Explore the universe with news on ... and more"
    "Sign up ": re.compile(
        r"Sign up (?:here |now )?(?:for|to) [^.!?\n]*[.!?]?"
        r"(?:[^\n]{0,200}(?<![.!?\"”’])(?=\n|\Z))?"
    ),
    "Subscribe to ": re.compile(r"Subscribe to [^.!?\n]{0,120}\bnewsletter\b[^.!?\n]*[.!?]?"),
    "Print Tweet": _PRINT_BAR,
    # An embedded video's teaser: "Watch: Diplomats struggle over Aleppo Play Video".
    "Watch:": re.compile(r"Watch:[^.!?\n]{0,160}?\bPlay Video\b\s*"),
}
# Every literal clutter found anywhere in the text starts with: one scan for all of them (a
# search gives the leftmost place any of them starts) finds none in most articles, and then
# none of the searches for each can find anything.
_MARKS = re.compile(
    "|".join(re.escape(m) for m in (*_TAIL_MARKS, "Tags", *_PROMPTS, "pic.twitter.com"))
)
# The same search in a text's UTF-8 where each of the marks' first letters is made one byte,
# 01: re then skips from one 01 to the next as fast as memory reads, where the set of first
# letters cost it a test a character (20 us an article, 10 here with the translation).
_WORDS_MARKED = (*_TAIL_MARKS, "Tags", *_PROMPTS)
_MARKS_FIRST = bytes(1 if chr(b) in {m[0] for m in _WORDS_MARKED} else b for b in range(256))
_MARKS_TRANSLATED = re.compile(
    b"\x01(?:"
    + b"|".join(re.escape(m.encode().translate(_MARKS_FIRST)[1:]) for m in _WORDS_MARKED)
    + b")"
)
# A photo caption paragraph starts so.
_CAPTION_STARTS = ("FILE PHOTO", "PHOTO", "IMAGE", "PICTURE", "Photo:", "Image:", "Photo credit")
# A line _lines looks at starts with one of these (after a line break, or the text's start).
_LINE_STARTS = (*_CAPTION_STARTS, "By ", *_AGENCY_NAMES)
_LINE_START = re.compile(f"\n(?:{_one_of(_LINE_STARTS)})")
_CREDIT = re.compile(
    r"\((?:(?:Source|Photo|Image|Via)\s*:[^()\n]{1,80}\)(?:\s+(?:Twitter|Facebook))?"
    # "Super Bowl LVI will be held at SoFi Stadium (Image credit: Getty Images)", closing it.
    r"|(?P<credited>(?:Image|Photo) credit\s*:[^()\n]{1,80}\))"
    # ... and after a caption ("... Syria July 1 2016. (Reuters Photo) Airstrikes on ...",
    # "... August 3 2015(Reuters Photo) Thirty-five people..."), closing it. (One "(" before
    # both: a pattern that opens with a literal is searched for it in C, 15x faster.)
    r"|(?P<closing>(?:[A-Z][\w-]*[ \t]){1,2}[Pp]hoto\)(?=[ \t]+[\"“‘(]?[A-Z]|\s*\Z))"
    # ... and an embedded tweet's attribution whose link the page lost: "... The White
    # Helmets (SyriaCivilDef) April 29 2017 The air strike was ..." (the name is before it).
    rf"|(?P<tweet>@?\w{{3,30}}\)[ \t]*(?i:{_MONTH})[ \t]+\d{{1,2}},?[ \t]+\d{{4}}))"
)
# The tweet's author before its handle: "The White Helmets ", "UN Refugee Agency ".
_TWEET_AUTHOR = re.compile(r"(?:[A-Z][\w&.'’-]*[ \t]+){1,5}$")
# An outlet's credit for what its wire services gave ("(TRT World and Agencies)"), closing a
# photo caption or opening the text: clutter, never the start of a quote.
_AGENCIES_CREDIT = re.compile(r"\((?:[A-Z][\w.'-]*\s+){0,4}(?:and\s+)?[Aa]gencies\)\s*")
# A byline on its own line: "By Jane Smith, CNN".
_BYLINE = re.compile(r"By\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,4}(?:,\s*[\w ]{1,40})?$")
# A photo credit closing a caption paragraph, after the caption's last sentence: "... on
# Monday, Jan. 3, 2022. Nic Coury/AP", "Omar Torres/AFP/Getty Images", "NASA/ESA/CSA":
# capitalised words (and the particles of names) joined by "/", no full stop after them.
_CREDIT_WORD = r"(?:[A-Z0-9][\w.'’&-]*|via|van|der|de|von|da|del|di|la|le|al|el|bin|of|the|and)"
_CREDIT_TAIL = re.compile(
    rf"(?:^|(?<=[.!?\"”’)])[ \t]+)(?P<credit>{_CREDIT_WORD}(?:[ \t]*/[ \t]*{_CREDIT_WORD}|"
    rf"[ \t]+{_CREDIT_WORD}){{0,9}})(?<![.!?,;:])[ \t]*$",
    re.MULTILINE,
)
# A photo credit inside a paragraph, after its caption's last sentence and before the next
# sentence (scraped pages lose the caption's line breaks): "... Damascus August 21 2013.
# REUTERS/Bassam Khabieh We hope ...", "... on Saturday, October 1. Ricardo Arduengo/AFP/Getty
# Images President Joe Biden ...". Only credits naming a photo agency count ("HIV/AIDS" names
# none); the photographer's name after an agency in capitals is one or two words.
_PHOTO_AGENCIES = (
    "AFP|AP|Reuters|REUTERS|Getty Images|EPA|EPA-EFE|Sputnik|TASS|Pool|POOL|Abaca|Xinhua|"
    "Anadolu Agency|Anadolu|SANA|DPA|dpa|Picture Alliance|picture alliance|Shutterstock|"
    "Bloomberg|NurPhoto|SOPA Images|LightRocket|ZUMA Press|Redux|Alamy|Handout|File"
)
_PHOTO_CREDIT = (
    r"(?:REUTERS|AFP|AP|EPA|SANA)/(?:Stringer|Handout|Staff|Pool|File(?: Photo)?|"
    r"[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?)(?:/(?:File(?: Photo)?|Handout|Pool))?"
    r"|(?:[A-Z][\w.'’-]*[ \t]){0,3}[A-Z][\w.'’-]*"
    # (other credits between: "Chang W. Lee/Pool/The New York Times/DPA/AP", "Hugo
    # Burnand/Royal Household 2023/AP")
    r"(?:[ \t]*/[ \t]*[A-Z0-9][\w.'’&-]*(?:[ \t][A-Z0-9][\w.'’&-]*){0,3})*"
    rf"[ \t]*/[ \t]*(?:{_PHOTO_AGENCIES})"
)
_CREDITED_AGENCIES = tuple(_PHOTO_AGENCIES.split("|"))
_CREDITING_AGENCIES = ("REUTERS", "AFP", "AP", "EPA", "SANA")
_INLINE_CREDIT = re.compile(
    rf"[.!?][\"”’)]?[ \t]+(?P<credit>{_PHOTO_CREDIT})(?=[ \t]+[\"“‘(]?[A-Z]|[ \t]*(?:\n|\Z))"
)
# ... and closing a line: a caption even without a full stop before it.
_AGENCY_TAIL = re.compile(rf"[ \t](?:{_PHOTO_CREDIT})[ \t]*$", re.MULTILINE)
# A paragraph with this many credits, one every so many characters at most, is a gallery.
GALLERY_CREDITS = 3
GALLERY_SPACING = 400
# ... and one opening a line, before its caption: "Jacquelyn Martin/AP Judge Ketanji Brown
# Jackson poses for a portrait in her office in Washington, DC, in February 2022."
_LINE_CREDIT = re.compile(rf"[ \t]*(?P<credit>{_PHOTO_CREDIT})(?=[ \t]+[\"“‘(]?[A-Z])")
# The end of the sentence before a caption (not an initial's or a "U.S." full stop).
_CAPTION_START = re.compile(r"(?<![A-Z])[.!?][\"”’)]?[ \t]+(?=[\"“‘(]?[A-Z])")
# ... and a gallery's caption closes with "Hide Caption 3 of 26".
_GALLERY = re.compile(r"Hide Caption \d+ of \d+[ \t]*$", re.MULTILINE)
_GALLERY_COUNT = re.compile(r"Hide Caption \d+ of \d+")
# A credit is at most this long.
MAX_CREDIT_CHARS = 100
# A link to another story, its label glued to the headline where the page had a link ("More:Ban
# on Trump upheld by...", "Review:The gold is starting to rub off..."): a colon with a letter
# (or a quote) before it and a capital (or a quote) after it, no space between.
_LINK_QUOTES = "’'\")“‘"
# How a sentence ends, in the scripts the archive holds ("؟": Arabic and Persian).
_SENTENCE_ENDS = tuple(".!?؟…")
# A link line is at most this long (a sentence may hold a glued colon too).
MAX_LINK_CHARS = 250
# ... or the line opens with a label and a colon ("►Related: ..."): these labels.
_LINK_LABELS = frozenset(
    ("related", "related coverage", "related story", "related article", "read more", "more",
     "read also", "also read", "see also", "watch", "listen")
)  # fmt: skip
MAX_LINK_LABEL_CHARS = 24
# How those labels end, as written (a cheap test at each colon before a space).
_LINK_LABEL_ENDS = tuple(
    form for label in _LINK_LABELS for word in (label.split()[-1],)
    for form in (word, word.title(), word.upper())
)  # fmt: skip
# A "see also" label on a line of its own between paragraphs, the next line a link to another
# story (RT's "Также по теме"; English pages end with theirs: _TAIL_MARKS). Both are clutter,
# neither searched nor quoted: the linked headline's words are another story's (asked as a
# question, that headline found the page linking to the story before the story itself:
# docs/BENCHMARKS.md, "Languages, helper branch `lang30`").
_SEE_ALSO = (
    "Также по теме",
    "Читайте также",
    "Смотрите также",
    "Lire aussi",
    "À lire aussi",
    "Voir aussi",
    "اقرأ أيضا",
    "بیشتر بخوانید",
)
# Only a label that starts a line counts: one search for all of them at line starts finds
# none in most texts (a search for each anywhere cost 8 scans of the text).
_SEE_ALSO_LINE = re.compile("\n(?:" + "|".join(re.escape(label) for label in _SEE_ALSO) + ")")
# Sputnik's pages, flattened, keep a related story's box between sentences: the photo's
# credit with its slash lost, then that story's headline in title case, then the next
# sentence ("... the release said. REUTERS Rodi Said Battle for Raqqa Syrian Democratic
# Forces Liberate Another Village From Daesh Near al-Tabqa The coalition is probing ...").
# Agencies in capitals name no one in prose ("Reuters reported"): these open such a box.
_CAPS_CREDIT = re.compile(r"(?:(?<=[.!?\"”’)] )|^)REUTERS (?=[A-Z])", re.MULTILINE)
# The words of a headline in title case: capitalised ones, figures, "al-" names and the small
# words titles keep in lower case.
_TITLE_SMALL = (
    "a|an|the|of|to|for|in|on|at|from|by|with|as|and|or|vs|via|into|over|after|amid|near|"
    "against|its|is|are|be"
)
_TITLE_WORD = re.compile(rf"(?:[A-Z0-9][\w'’.,-]*|al-\w+|(?:{_TITLE_SMALL})\b)[ \t]*")
# Words that open a sentence rather than end a headline ("... Near Al Tabqa Reports On
# Saturday reports emerged ...": the sentence starts at the last of them), or go on from a
# dateline ("DAMASCUS Syrian Foreign Minister ...", where capitals, an office and a name would
# be an acronym's: "UNICEF Director Alan Lane said"). One set for both: the dateline rule's
# own, written later above this one, had been shadowed by it from the start.
_OPENERS = frozenset(
    ("The", "A", "An", "On", "In", "At", "According", "Earlier", "Last", "Late", "This",
     "Meanwhile", "However", "Since", "After", "During", "While", "Local", "It", "He", "She",
     "They", "We", "Some", "Many", "Several", "Syrian", "Turkish", "Russian", "Kurdish",
     "More", "Two", "Three")
)  # fmt: skip
# A dateline in capitals ("MOSCOW (Sputnik)") ends the headline before it.
_CAPS_DATELINE = re.compile(r"[A-Z]{3,}[ \t]*\(")
# An embedded video's title between sentences ("... said. Battle rages near Aleppo Ali Mustafa
# reports - YouTube The Observatory said ..."), and a share prompt with its short link and the
# photo's credit ("Published July 27 2016 SEND httpsabahdai.ly912r3U DHA Photo A twin ...").
_VIDEO = re.compile(r" - YouTube(?: Watch On)?")
_SEND = re.compile(r"\bSEND https?\S+(?: [A-Z]{2,5})?(?: Photo)?[ \t]*")
# An inline link to another story, its headline glued to the next sentence ("... much higher.
# Read also September deadliest month for Syrians in 2017 Raqqa has faced ..."): to the next
# full stop, as the headline's end cannot be told.
_READ_ALSO = re.compile(r"(?<=[.!?\"”] )Read also [^.!?\n]{1,300}[.!?]?")
# A related story's box before a dateline of Sputnik's: "... reported Saturday. Flickr U.S.
# Department of Defense At Least 10 Civilians Die ... Near Raqqa - Reports DAMASCUS (Sputnik)".
_AGENCY_DATELINE = re.compile(r"[A-Z]{3,}(?: [A-Z]{3,})? \((?:Sputnik|RIA Novosti)\)")
_BOX_WORD = re.compile(rf"[A-Z0-9]|(?:{_TITLE_SMALL}|-)$")
# A caption is a line this long at most (an unbroken text ending with a credit is no caption).
MAX_CAPTION_CHARS = 600
_SOURCE_MARK = re.compile(r"\((?:source|via)\s*:\s*([^()\n]{1,80}?)\s*\)", re.IGNORECASE)
_NON_WORD = re.compile(r"\W+")
# An embedded tweet's attribution: "pic.twitter.com/x — Name (@handle) July 27, 2016"; scraped
# texts lose its punctuation and glue the next sentence to it ("...0Zw6 The Syrian Observer
# (observesyria) July 27 2016 The US has rejected...").
_TWEET = re.compile(
    rf"pic\.twitter\.com/?\w*(?:\s*[-–—]?\s*[^()\n]{{0,60}}\(@?\w{{1,30}}\)\s*{_DATE})?",
    re.IGNORECASE,
)
_TWEET_LINK = re.compile(r"(?:https?:?/{0,2})?t\.co/?\w+\s*$")

Span = tuple[int, int]
# The kind of a span that is a photo caption or credit, or a link to another story (others
# have none).
PHOTO = "p"


def clutter_spans(
    title: str, text: str, data: bytes | None = None
) -> list[tuple[int, int] | tuple[int, int, str]]:
    """The spans of `text` that are page clutter, sorted; photo captions marked PHOTO.
    `data`: the text in UTF-8, when the caller has it (a faster search for the marks)."""
    spans: list[Span] = []
    position = _lead_end(title, text)
    if position:
        spans.append((0, position))
    # The outlet opening a paragraph after a newsletter prompt or a stand-first: "... and
    # more\n\n(CNN) Almost 100 years after its extinction, ..." (the first 2,000 characters).
    outlet = _PARAGRAPH_OUTLET.search(text, position, 2_000)
    if outlet is not None:
        spans.append((outlet.start() + 1, outlet.end()))
    photos = _lines(text, spans)
    if _marked_somewhere(text, data):
        spans.extend(_marked(text))
    photos.extend(_credited(text))
    photos.extend(_inline_captions(text))
    if "REUTERS " in text:
        photos.extend(_credit_boxes(text))
    photos.extend(_embeds(text))
    if "SEND http" in text:
        spans.extend(match.span() for match in _SEND.finditer(text))
    spans.extend(_see_also(text))
    if "Print" in text:
        spans.extend(_print_bar(title, text))
    if ":" in text:
        # Searched like captions (left out of the index, they cost the dev questions' ranking:
        # docs/BENCHMARKS.md), never quoted: another story's headline is no answer.
        photos.extend(_links(text))
    # (Only the first 2,000 characters can hold one: the name is looked for there alone.)
    if _names_russian_agency(text[:2_000]):
        spans.extend(m.span() for m in _RUSSIAN_DATELINE.finditer(text, 0, 2_000))
    if "(" in text:
        for credit in _CREDIT.finditer(text):
            if credit["closing"] or credit["credited"]:
                # (a credit on a line of its own closes no sentence: itself alone)
                caption = _caption_before(text, credit.start(), credit.end(), 0)
                photos.extend(caption or (credit.span(),))
            elif credit["tweet"]:
                author = _TWEET_AUTHOR.search(text, max(0, credit.start() - 60), credit.start())
                if author is not None:
                    spans.append((author.start(), credit.end()))
            else:
                photos.append(credit.span())
        spans.extend(m.span() for m in _AGENCIES_CREDIT.finditer(text))
        for match in _DATELINE.finditer(text):
            place = _PLACE_BEFORE.search(text, max(0, match.start() - 40), match.start())
            if place is None and _DASHED.match(text, match.end(1)):
                place = _LINE_PLACE_BEFORE.search(text, max(0, match.start() - 40), match.start())
            spans.append((place.start() if place else match.start(), match.end()))
        # (A dateline stands near the top: after a lead or stand-first printed before it.)
        for match in _BYLINED.finditer(text, 0, BYLINED_WITHIN):
            place = _PLACE_AND_COUNTRY_BEFORE.search(
                text, max(0, match.start() - 50), match.start()
            )
            if place is not None:
                spans.append((place.start(), match.end()))
    if "\n" in text:
        photos.extend(_credit_lines(text))
    sign_off = _SIGN_OFF.search(text, max(0, len(text) - 40))
    if sign_off is not None:
        spans.append(sign_off.span())
    repeat = _headline_at(title, text, position + 1, search=True)
    if repeat is not None:
        spans.append(repeat)
    # Photo captions, credits and links are kept apart: never quoted, but searched (a caption
    # names the story's places and people).
    return sorted([*_merged(spans), *((s, e, PHOTO) for s, e in _merged(photos))])


def _marked_somewhere(text: str, data: bytes | None) -> bool:
    """Whether _MARKS finds one of the marks in the text; `data`, the text in UTF-8, is
    searched first where given (a mark in the text is in its bytes, each mark's first letter
    translated as its first letter is)."""
    if (
        data is not None
        and _MARKS_TRANSLATED.search(data.translate(_MARKS_FIRST)) is None
        and b"pic.twitter.com" not in data
    ):
        return False
    return _MARKS.search(text) is not None


def _marked(text: str) -> list[Span]:
    """The clutter found by what it starts with: the tail, tag lists, prompts, tweets."""
    spans = _tail(text)
    found = text.find("Tags")
    while found != -1:
        tags = _tag_list(text, found)
        if tags is not None:
            spans.append(tags)
        found = text.find("Tags", found + 4)
    for first, pattern in _PROMPTS.items():
        found = text.find(first)
        while found != -1:
            match = pattern.match(text, found)
            if match is not None:
                # ... with the bracket before it: "[Click to enlarge]".
                opened = found > 0 and text[found - 1] in "[("
                spans.append((found - opened, match.end()))
            found = text.find(first, found + 1)
    found = text.find("pic.twitter.com")
    while found != -1:
        end = _TWEET.match(text, found).end()  # type: ignore[union-attr]  # starts with it
        link = _TWEET_LINK.search(text, max(0, found - 40), found)
        spans.append((found if link is None else link.start(), end))
        found = text.find("pic.twitter.com", end)
    return spans


def _print_bar(title: str, text: str) -> list[Span]:
    """Al-Ahram's header around its "Print Tweet Views N Related" bar (the bar itself is a
    prompt): the headline, agency and date before it, and the other stories' headlines after
    it, up to the lead they are glued to."""
    spans: list[Span] = []
    for bar in _PRINT_BAR.finditer(text):
        header = text[: bar.start()]
        if len(header) <= MAX_HEADER_CHARS and not _SENTENCE_END.search(header):
            spans.append((0, bar.start()))
        if bar.group().endswith("Related"):
            lead = _lead_after_headlines(title, text, bar.end())
            if lead is not None:
                spans.append((bar.end(), lead))
    return spans


def _lead_after_headlines(title: str, text: str, start: int) -> int | None:
    """Where the lead starts after a list of headlines glued to it (None: not found before
    its first sentence's end). Headlines have no full stop and, in headline style, no "a" or
    "the": the lead starts at the article's own headline repeated, at the first word that
    opens leads ("Nearly 40 Syrian soldiers..."), or at the capitalised word before the first
    small words that end in an article ("Syrian rebels launched a major assault...")."""
    stop = _SENTENCE_END.search(text, start, start + MAX_RELATED_CHARS)
    end = stop.start() if stop is not None else min(len(text), start + MAX_RELATED_CHARS)
    found: list[int] = []
    repeat = _headline_at(title, text, start, search=True)
    if repeat is not None and repeat[0] < end:
        found.append(repeat[0])
    words = list(_TAG_WORD.finditer(text, start, end))
    for n, word in enumerate(words):
        if word.group() in _LEAD_OPENERS:
            found.append(word.start())
            break
        if word.group() in _ARTICLES:
            small = n
            while small > 0 and words[small - 1].group()[:1].islower():
                small -= 1
            if 0 < small < n and words[small - 1].group()[:1].isupper():
                found.append(words[small - 1].start())
                break
    return min(found, default=None)


def _tag_list(text: str, start: int) -> Span | None:
    """The tag list starting with the "Tags" at `start`, up to the lead glued after it."""
    if (match := _TAGS_TO_END.match(text, start)) is not None:
        return match.span()
    if not text.startswith("Tags ", start):
        return None
    words = [
        (m.start(), m.group())
        for m, _ in zip(
            _TAG_WORD.finditer(text, start + 4),
            range(MAX_TAG_WORDS + _PROSE_REACH + 1),
            strict=False,  # the text may end first
        )
    ]
    for n, (at, word) in enumerate(words[1:MAX_TAG_WORDS], start=1):
        if _prose(words[n - 1][1], word) or words[n - 1][1].endswith(("!", "?")):
            return None  # "Tags will be available for purchase": a sentence, no tag list
        if n > 1 and words[n - 2][1].endswith("."):
            return None  # only the last tag may end with a full stop ("... war. A suicide")
        if word in _LEAD_OPENERS or (
            word[:1].isupper() and word[1:2].islower() and _prose_after(words, n)
        ):
            return start, at
    return None


def _prose(word: str, following: str) -> bool:
    """Whether a function word and a lowercase word make these two a phrase of prose."""
    return word in _FUNCTION_WORDS and following[:1].islower() and following not in _FUNCTION_WORDS


def _prose_after(words: list[tuple[int, str]], n: int) -> bool:
    """Whether lowercase words follow word n, one of them a function word that a lowercase
    word follows ("and" any word): "Syrian rebels launched a huge...", "Syrian regime and
    Russian...", not "Syrian Observatory for Human"."""
    after = [w for _, w in words[n + 1 : n + 2 + _PROSE_REACH]]
    for k, word in enumerate(after[:_PROSE_REACH]):
        if not word[:1].islower():
            return False
        if word in _FUNCTION_WORDS:
            return k + 1 < len(after) and (word == "and" or after[k + 1][:1].islower())
    return False


def _tail(text: str) -> list[Span]:
    """From the first "Related News" (or the like) to the end, with a "Source XX" before it."""
    ends = [at for at in (text.find(mark) for mark in _TAIL_MARKS) if at != -1]
    if not ends:
        return []
    start = min(ends)
    credit = _SOURCE_BEFORE.search(text, max(0, start - 20), start)
    if credit is not None:
        start = credit.start()
    # Sputnik's list of related headlines, after the story's view count: "... 154 Related
    # Russian Military Delivers ... Tags ... Community standards".
    related = _VIEWS_RELATED.search(text, max(0, start - MAX_RELATED_CHARS), start)
    return [(related.start() if related else start, len(text))]


def _lines(text: str, spans: list[Span]) -> list[Span]:
    """Whole paragraphs that are photo captions (returned) or bylines, and "AFP - " openings
    (added to `spans`); only the lines that start with one of _LINE_STARTS are looked at."""
    photos: list[Span] = []
    # No other line can be any of them: a regex that starts with a line break finds these (it
    # skips from break to break) in a third of the time of a loop over every line.
    starts = [0] if text.startswith(_LINE_STARTS) else []
    starts.extend(match.start() + 1 for match in _LINE_START.finditer(text))
    for start in starts:
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        line = text[start:end]
        if line.startswith(_CAPTION_STARTS):
            photos.append((start, end))
        if line.startswith("By ") and _BYLINE.match(line):
            spans.append((start, end))
        elif line.startswith(_AGENCY_NAMES):
            match = _AGENCY_DASH.match(line)
            if match is not None:
                spans.append((start, start + match.end()))
    return photos


def _credited(text: str) -> list[Span]:
    """The lines that close with a photo credit ("... in San Jose. Nic Coury/AP") or a
    gallery's count: photo captions."""
    photos: list[Span] = []
    for mark, pattern in (("/", _CREDIT_TAIL), ("Hide Caption", _GALLERY)):
        at = text.find(mark)
        while at != -1:
            end = text.find("\n", at)
            end = len(text) if end == -1 else end
            # A credit closes its line: a mark further from the end is in a sentence...
            if end - at <= MAX_CREDIT_CHARS:
                start = text.rfind("\n", 0, at) + 1
                found = pattern.search(text, max(start, at - MAX_CREDIT_CHARS), end)
                if found is None and mark == "/":
                    # "... days before she tested positive for coronavirus Steve
                    # Parsons/AFP/Getty Images": no full stop before a photo agency's credit.
                    found = _AGENCY_TAIL.search(text, max(start, at - MAX_CREDIT_CHARS), end)
                if found is not None and end - start <= MAX_CAPTION_CHARS and mark in found[0]:
                    photos.append((start, end))
            elif mark == "Hide Caption":
                # ... but for a gallery flattened into one paragraph: "Photos: The life of
                # Queen Elizabeth II Queen Elizabeth II was ... Hide Caption 1 of 66 Photos: ...".
                start = text.rfind("\n", 0, at) + 1
                if text.startswith("Photos:", start):
                    last = _GALLERY_COUNT.match(text, text.rfind(mark, start, end))
                    photos.append((start, last.end() if last is not None else end))
            at = text.find(mark, end)
    return photos


# A photo credit on a line of its own, after the photo's caption (RT's pages, 2,084 in its
# 1,534 articles of the benchmark: "Лидер Кубинской революции Фидель Кастро, 21 апреля 1959
# года\n\ngloballookpress.com", quoted as the answer to "когда умер Фидель Кастро?"). Found
# from the line break before it, which `re` skips to.
_CREDIT_LINE = re.compile(
    r"\n[ \t]*(?:©[^\n]{1,80}|Reuters|REUTERS|AFP|AP|EPA|Getty Images|Sputnik|РИА Новости|ТАСС|"
    r"Global Look Press|globallookpress\.com|Gettyimages\.ru)[ \t]*(?=\n|\Z)"
)
# How a caption does not end: as a sentence.
_SENTENCE_CLOSE = (".", "!", "?", "…", "»", '"', "”", "؟")


def _credit_lines(text: str) -> list[Span]:
    """Photo credits on lines of their own, each with the caption before it (a paragraph
    that ends as no sentence does)."""
    photos: list[Span] = []
    for credit in _CREDIT_LINE.finditer(text):
        start = credit.start() + 1
        photos.append((start, credit.end()))
        end = len(text[:start].rstrip())
        begin = text.rfind("\n", 0, end) + 1
        caption = text[begin:end]
        if caption and not caption.endswith(_SENTENCE_CLOSE) and end - begin <= MAX_CAPTION_CHARS:
            photos.append((begin, end))
    return photos


def _inline_captions(text: str) -> list[Span]:
    """Photo captions inside a paragraph, each with the credit that closes it (see
    _INLINE_CREDIT); a caption is the sentence before the credit, after the last sentence end
    or the credit before it."""
    photos: list[Span] = []
    after = 0  # the end of the last credit found
    credits: list[int] = []  # where each credit ends
    at = text.find("/")
    while at != -1:
        # Most slashes are in links and dates: an agency after it, or one in capitals before
        # it, says it may be a credit (str methods, as a regex scan costs twice the time).
        if at >= after and (
            text.startswith(_CREDITED_AGENCIES, at + 1) or text.endswith(_CREDITING_AGENCIES, 0, at)
        ):
            found = None
            # (from the full stop closing the caption before, if that ends at `after`)
            for match in _INLINE_CREDIT.finditer(text, max(0, after - 1, at - 80), at + 120):
                if match.start("credit") <= at < match.end("credit"):
                    found = match
                    break
            if found is not None:
                photos.extend(
                    _caption_before(text, found.start("credit"), found.end("credit"), after)
                )
                after = found.end("credit")
                credits.append(after)
            elif (caption := _caption_after(text, at)) is not None:
                photos.append(caption)
                after = caption[1]
                credits.append(after)
        at = text.find("/", at + 1)
    return photos + _galleries(text, credits) if len(credits) >= GALLERY_CREDITS else photos


def _credit_boxes(text: str) -> list[Span]:
    """Related stories' boxes between sentences (_CAPS_CREDIT): the credit and the headline
    after it, up to the sentence that goes on with the story."""
    found: list[Span] = []
    for credit in _CAPS_CREDIT.finditer(text):
        words: list[re.Match[str]] = []
        at = credit.end()
        while (word := _TITLE_WORD.match(text, at)) is not None and at - credit.end() < 400:
            if _CAPS_DATELINE.match(text, at):
                break
            words.append(word)
            at = word.end()
        if at >= len(text) or text[at] == "\n" or _CAPS_DATELINE.match(text, at):
            found.append((credit.start(), at))
            continue
        # `at` is a word in lower case: the sentence it is in started at a capital before it.
        capitals = [w for w in words[-6:] if w.group()[0].isupper()]
        start = next(
            (w for w in reversed(capitals) if w.group().strip() in _OPENERS),
            capitals[-1] if capitals else None,
        )
        if start is not None and start.start() > credit.end():
            found.append((credit.start(), start.start()))
    return found


def _embeds(text: str) -> list[Span]:
    """Embedded videos' titles, "Read also" links and related stories' boxes before an agency's
    dateline, between a story's sentences (searched, never quoted)."""
    found: list[Span] = []
    if "YouTube" in text:
        for video in _VIDEO.finditer(text):
            found.extend(_caption_before(text, video.start(), video.end(), 0))
    if "Read also " in text:
        found.extend(match.span() for match in _READ_ALSO.finditer(text))
    if "(Sputnik)" in text or "(RIA Novosti)" in text:
        for dateline in _AGENCY_DATELINE.finditer(text):
            for start, end in _caption_before(text, dateline.start(), dateline.start(), 0):
                words = text[start:end].split()
                boxed = sum(_BOX_WORD.match(word) is not None for word in words)
                if len(words) >= 4 and boxed >= 0.8 * len(words):
                    found.append((start, end))
    return found


def _galleries(text: str, credits: list[int]) -> list[Span]:
    """Whole paragraphs of captions, each credited: a gallery flattened into one paragraph
    ("... on October 2. Andre Penner/AP Incumbent Brazilian President Jair Bolsonaro votes
    ..."), where credits stand before or after their captions and so no sentence of it is the
    story's. At least GALLERY_CREDITS credits, one every GALLERY_SPACING characters or less
    (an article flattened into one line has a caption or two in thousands of characters)."""
    found: list[Span] = []
    by_line: dict[int, int] = {}
    for end in credits:
        line = text.rfind("\n", 0, end) + 1
        by_line[line] = by_line.get(line, 0) + 1
    for line, count in by_line.items():
        end = text.find("\n", line)
        end = len(text) if end == -1 else end
        if count >= GALLERY_CREDITS and end - line <= count * GALLERY_SPACING:
            found.append((line, end))
    return found


def _caption_before(text: str, credit: int, end: int, after: int) -> list[Span]:
    """The caption that the credit at text[credit:end] closes: from the last sentence end (or
    the credit before it, at `after`) to the credit's end; none when that is no sentence's
    length."""
    low = max(after, text.rfind("\n", 0, credit) + 1, credit - MAX_CAPTION_CHARS)
    start = low
    for boundary in _CAPTION_START.finditer(text, low, credit):
        if boundary.end() < credit:  # (not the caption's own end)
            start = boundary.end()
    if start < credit and credit - start < MAX_CAPTION_CHARS:
        return [(start, end)]
    return []


def _caption_after(text: str, at: int) -> Span | None:
    """A credit opening the line of the slash at `at`, with the sentence after it."""
    line = text.rfind("\n", 0, at) + 1
    found = _LINE_CREDIT.match(text, line) if at - line <= MAX_CREDIT_CHARS else None
    if found is None or found.end("credit") <= at:
        return None
    limit = min(len(text), found.end() + MAX_CAPTION_CHARS)
    boundary = _CAPTION_START.search(text, found.end(), limit)
    if boundary is not None:
        return found.start("credit"), boundary.start() + 1
    end = text.find("\n", found.end(), limit)
    if end == -1 and limit == len(text):
        end = limit
    return (found.start("credit"), end) if end != -1 else None


def _links(text: str) -> list[Span]:
    """Lines that are a link to another story ("More:Headline"), as scraped pages keep them."""
    found: list[Span] = []
    colon = text.find(":", 1)
    while colon != -1:
        after = text[colon + 1 : colon + 2]
        if (
            after == " "
            and text.endswith(_LINK_LABEL_ENDS, max(0, colon - 10), colon)
            and (labelled := _labelled_link(text, colon)) is not None
        ):
            found.append(labelled)
            colon = text.find(":", labelled[1])
            continue
        if (
            not after
            or not (after.isupper() or after in _LINK_QUOTES)
            or not (text[colon - 1].isalpha() or text[colon - 1] in _LINK_QUOTES)
        ):
            colon = text.find(":", colon + 1)
            continue
        start = text.rfind("\n", 0, colon) + 1
        end = text.find("\n", colon)
        end = len(text) if end == -1 else end
        # A headline ends without a full stop; a sentence that glues a colon does not, nor a
        # quote glued to its verb's colon, which closes after its stop (Persian prints
        # 'گفت:"...!"', "he said:"): the closing quotes are not its end.
        line = text[start:end].rstrip().rstrip(_LINK_QUOTES)
        if end - start <= MAX_LINK_CHARS and line[-1:] not in _SENTENCE_ENDS:
            found.append((start, end))
        colon = text.find(":", end)
    return found


def _labelled_link(text: str, colon: int) -> Span | None:
    """A line that a link label opens ("►Related: Witnesses to history tell stories of Detroit
    riot", "Read more: ..."), the colon of the label at `colon`."""
    start = text.rfind("\n", 0, colon) + 1
    if colon - start > MAX_LINK_LABEL_CHARS:
        return None
    if text[start:colon].lstrip("►▶» \t").lower() not in _LINK_LABELS:
        return None
    end = text.find("\n", colon)
    end = len(text) if end == -1 else end
    return (start, end) if end - start <= MAX_LINK_CHARS else None


def _see_also(text: str) -> list[Span]:
    """A "see also" label alone on its line and the link on the next line with text."""
    found: list[Span] = []
    if not text.startswith(_SEE_ALSO) and _SEE_ALSO_LINE.search(text) is None:
        return found
    for label in _SEE_ALSO:
        at = text.find(label)
        while at != -1:
            line_end = text.find("\n", at)
            line_end = len(text) if line_end == -1 else line_end
            if (at == 0 or text[at - 1] == "\n") and not text[at + len(label) : line_end].strip(
                " :"
            ):
                start = line_end
                while start < len(text) and text[start].isspace():
                    start += 1
                end = text.find("\n", start)
                end = len(text) if end == -1 else end
                # A link is one short line; a longer one is the text going on.
                found.append((at, end if 0 < end - start <= MAX_LINK_CHARS else line_end))
            at = text.find(label, line_end)
    return found


def _lead_end(title: str, text: str) -> int:
    """Where the opening dateline, headline repeat and agency line end (0: none)."""
    position = 0
    while True:
        start = position
        for pattern in (_LEAD_DATE, _LEAD_AGENCY):
            match = pattern.match(text, position)
            if match is not None and match.end() > position:
                position = match.end()
        position = _outlet_line_end(text, position)
        outlet = _LEAD_OUTLET.match(text, position)
        if outlet is not None and not _initials(outlet.group(1), outlet.group(2)):
            position = outlet.end()
        headline = _headline_at(title, text, position)
        position = headline[1] if headline is not None else _caps_dateline_end(text, position)
        if position == start:
            return position


def _caps_dateline_end(text: str, position: int) -> int:
    """Past a bare dateline in capitals at `position` ("BEIRUT ", "AFP "), else `position`."""
    match = _LEAD_CAPS_DASHED.match(text, position)
    dashed = match is not None
    if match is None:
        match = _LEAD_CAPS.match(text, position)
        if match is None:
            return position
    caps = match.group(1)
    after = match.end()
    title_and_name = not dashed and _TITLE_AND_NAME.match(text, after) is not None
    if title_and_name and text[after:].split(None, 1)[0] not in _OPENERS:
        return position
    if caps in _PAGE_LABELS or caps.lower() in AGENCIES:
        return after
    if sum(map(str.isalpha, caps)) < MIN_DATELINE_PLACE:
        return position
    # Written again in capitals, it is what the story is about.
    return position if any(_written_again(text, word, after) for word in caps.split()) else after


def _written_again(text: str, word: str, start: int) -> bool:
    """Whether `word` stands in `text` after `start` as a word of its own."""
    at = text.find(word, start)
    while at != -1:
        end = at + len(word)
        if not (at and text[at - 1].isalnum()) and not (end < len(text) and text[end].isalnum()):
            return True
        at = text.find(word, end)
    return False


def _outlet_line_end(text: str, position: int) -> int:
    """Past a dateline line at `position` ("Moscow and Kyiv, Ukraine CNN —"), else `position`."""
    end = text.find("\n", position, position + MAX_OUTLET_LINE_CHARS)
    if end == -1:
        end = len(text)
    if end - position > MAX_OUTLET_LINE_CHARS or not text[position:end].rstrip().endswith(_DASHES):
        return position  # (the regex alone tried every length of the line)
    match = _LEAD_OUTLET_LINE.match(text, position)
    return match.end() if match is not None else position


def _initials(words: str, bracket: str) -> bool:
    """Whether the bracket spells the words before it ("Islamic State (IS)"): no outlet."""
    letters = "".join(w[0] for w in words.split()).upper()
    return len(bracket) > 1 and bracket.isupper() and letters.endswith(bracket)


def _headline_at(title: str, text: str, position: int, *, search: bool = False) -> Span | None:
    """The span of the headline repeated in `text` at `position` (or after it, with `search`)."""
    words = _headline_words(title)
    if not words:
        return None
    # Compiling the headline's pattern costs more than the rest of the clutter check: first
    # a plain test that a word it needs is there (as re.IGNORECASE compares letters).
    if search:
        end = position + len(title) + 400
        window = text[position:end]
        if not _may_contain(window, *words) or not _may_follow(window, words):
            return None
        match = _headline_pattern(words).search(text, position, end)
    else:
        if not _may_contain(text[position : position + len(words[0])], words[0]):
            return None
        if not _may_follow(text[position : position + len(title) + 40], words, opening=True):
            return None
        match = _headline_pattern(words).match(text, position)
    if match is None or _inside_sentence(title, text, match.start(), match.end()):
        return None
    return match.span()


def _inside_sentence(title: str, text: str, start: int, end: int) -> bool:
    """Whether the headline's words found here are part of a sentence, not a repeat of it:
    the sentence goes on after them ("Talks in Geneva collapsed..."), they start with a small
    letter where the headline has a capital ("...said that talks in Geneva would fail": a
    repeat keeps the headline's case), or a small word before them and a comma after them
    place them inside one ("The University of Delaware is joining..., the league said").
    (A sentence opening with the headline and a comma says it again: "France's mustard is
    running out, and ..." under that headline.)"""
    if end < len(text) and text[end].islower():
        return True
    if text[start].islower() and not title[:1].islower():
        return True
    before = text[max(0, start - 2) : start].rstrip()
    return (
        end < len(text)
        and text[end] in ",;"
        and bool(before)
        and (before[-1].islower() or before[-1] == ",")
    )


@functools.lru_cache(maxsize=16)  # one title is looked for several times in a text
def _headline_words(title: str) -> tuple[str, ...]:
    words = _NON_WORD.split(title.removesuffix("…"))
    if title.endswith("…"):
        words = words[:-1]  # cut mid-word
    words = [w for w in words if w]
    return tuple(words) if len(words) >= 3 else ()


@functools.lru_cache(maxsize=64)
def _headline_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\W*".join(re.escape(w) for w in words) + r"[\s.:|-]*", re.IGNORECASE)


def _may_contain(text: str, *words: str) -> bool:
    """False only when one of `words` cannot match in `text` case-insensitively (True: maybe).

    Letters re.IGNORECASE takes as one casefold() takes as one too (s and ſ, в and ᲀ, K and
    the Kelvin sign), except the Turkish dotted and dotless i.
    """
    if _turkish_i(text, words):
        return True
    folded = text.casefold()
    return all(word.casefold() in folded for word in words)


def _turkish_i(text: str, words: tuple[str, ...]) -> bool:
    """Whether a Turkish dotted or dotless i is in `text` or one of `words`."""
    return "\u0130" in text or "\u0131" in text or _turkish_i_in(words)


@functools.lru_cache(maxsize=16)  # a headline's words are tested with every window
def _turkish_i_in(words: tuple[str, ...]) -> bool:
    return any("\u0130" in word or "\u0131" in word for word in words)


def _may_follow(text: str, words: tuple[str, ...], *, opening: bool = False) -> bool:
    """False only when `words` cannot match in `text` one after another with only non-word
    characters between them, as the headline's pattern needs (True: maybe); with `opening`,
    at its start, in a `text` that may be cut short anywhere.

    Without its non-word characters a match is the words run together, letter for letter
    equal under casefold as in _may_contain (the Turkish i aside: there, maybe). At the
    start, the words run together and what is kept of the cut text both start what is kept
    of the whole: one of them starts the other.
    """
    if _turkish_i(text, words):
        return True
    joined = "".join(words).casefold()
    kept = _NON_WORD.sub("", text).casefold()
    if opening:
        return kept.startswith(joined) or joined.startswith(kept)
    return joined in kept


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def encode_spans(spans: list[tuple[int, int] | tuple[int, int, str]]) -> str:
    """The spans as stored: "start-end" (photo captions "start-endp") separated by commas."""
    return ",".join(f"{s[0]}-{s[1]}{s[2] if len(s) > 2 else ''}" for s in spans)


def decode_spans(stored: str, *, photos: bool = True) -> list[Span]:
    """Invert `encode_spans` (without the kinds); `photos=False` leaves captions out."""
    spans: list[Span] = []
    for pair in stored.split(","):
        start, _, end = pair.partition("-")
        if end.endswith(PHOTO):
            if not photos:
                continue
            end = end[: -len(PHOTO)]
        if start and end:
            spans.append((int(start), int(end)))
    return spans


def without_clutter(text: str, clutter: str | None, *, photos: bool = False) -> str:
    """The text with its clutter blanked out (the same length); photo captions are kept, as
    they are searched, unless `photos` (what is left may then be quoted)."""
    if not clutter:
        return text
    pieces: list[str] = []
    position = 0
    for span_start, end in sorted(decode_spans(clutter, photos=photos)):
        start = max(span_start, position)  # (captions and other clutter may overlap)
        if end <= start:
            continue
        pieces.append(text[position:start])
        pieces.append(" " * (end - start))
        position = max(position, end)
    pieces.append(text[position:])
    return "".join(pieces)


def agency(text: str) -> str | None:
    """The news agency the text's dateline names ("BEIRUT (Reuters) -", "AFP -", "- REUTERS")."""
    head = text[:2_000]
    match = _DATELINE.search(head)
    if match is not None:
        return _agency_name(match.group(1))
    # The dateline's pattern can start at any line, so re tries it at every character: only
    # where one of its agencies is named (7% of a parse without the test).
    match = _RUSSIAN_DATELINE.search(head) if _names_russian_agency(head) else None
    if match is not None:
        return _agency_name(match.group(1) or match.group(2))
    if _FIRST_LINE_AGENCY.match(head) is not None or _LINE_AGENCY.search(head) is not None:
        for line in head.split("\n"):
            if not line:  # half the lines of a parsed text (blank lines part its paragraphs)
                continue
            # "AFP - " is matched case for case: only a line that starts with a name can be one.
            match = _AGENCY_DASH.match(line) if line.startswith(_AGENCY_NAMES) else None
            match = match or _LEAD_AGENCY.match(line)
            if match is not None:
                return _agency_name(match.group().split()[0])
    sign_off = _SIGN_OFF.search(text, max(0, len(text) - 40))
    return _agency_name(sign_off.group(1)) if sign_off is not None else None


def _names_russian_agency(text: str) -> bool:
    return "ТАСС" in text or "РИА" in text or "Прайм" in text


def article_source(text: str) -> str | None:
    """The outlet or agency a text names as its own: its dateline's agency, else a
    "(Source: X)" outside photo captions (there it credits the photo), else None."""
    found = agency(text)
    # A mark in a line is one in the text: most texts have none, and one search says so.
    if found is not None or _SOURCE_MARK.search(text) is None:
        return found
    for line in text.split("\n"):
        if line.startswith(_CAPTION_STARTS) or "(" not in line:
            continue
        match = _SOURCE_MARK.search(line)
        if match is not None:
            return match.group(1).strip()
    return None


def _agency_name(found: str) -> str:
    return AGENCIES.get(found.lower(), found)
