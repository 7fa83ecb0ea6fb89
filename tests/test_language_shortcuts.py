"""The language shortcuts in `detect` say what the model says wherever they speak.

Each shortcut (`bot.languages._plainly`) answers for a text plainly in one language without
the model; it must never answer otherwise than `_by_model` would. Shown here on the sample
archive and on sentences written for the purpose in the languages each could be mistaken for.
On every article of the benchmarks (the counts quoted in bot/languages.py): bench/shortcuts.py.
"""

from __future__ import annotations

import json

import pytest

from bot import languages
from tests.conftest import SAMPLE
from tests.test_languages import ARABIC, ENGLISH, FRENCH, OTHERS, RUSSIAN

# Written for these tests. The first four each language's shortcut must take.
PLAIN = {
    ENGLISH: "en",
    FRENCH: "fr",
    RUSSIAN: "ru",
    ARABIC: "ar",
    OTHERS[0]: "fr",
    OTHERS[1]: "ru",
    OTHERS[2]: "ar",
    "دولت روز سه‌شنبه لایحه تازه‌ای درباره بازنشستگی به مجلس فرستاد که اتحادیه‌های کارگری آن را "
    "نقد کردند و گفتند پیش از اجرا باید بازنگری شود.": "fa",
}
# Languages a shortcut could take for its own: Ukrainian, Bulgarian, Serbian, Kazakh; Catalan,
# Spanish, Italian, Portuguese, Latin, Occitan; Dutch, Afrikaans, German; Urdu, Pashto, Sorani;
# Persian in Arabic letters; English quoting French names. None must be answered wrongly.
CONFUSABLE = (
    "Уряд ухвалив у вівторок нове рішення щодо підтримки шкіл, які постраждали від повені.",
    "Правителството одобри във вторник нов закон за пенсиите, "
    "който беше критикуван от синдикатите.",
    "Влада је у уторак представила нови закон о пензијама, који су критиковали синдикати.",
    "Үкімет сейсенбі күні зейнетақы туралы жаңа заң жобасын ұсынды, оны кәсіподақтар сынға алды.",
    "El govern va presentar dimarts un projecte de llei sobre les pensions, "
    "criticat pels sindicats.",
    "El gobierno presento el martes un proyecto de ley sobre las pensiones, "
    "criticado por los sindicatos.",
    "Il governo ha presentato un disegno di legge sulle pensioni "
    "criticato dai sindacati che protestano.",
    "O governo apresentou na terça-feira um projeto de lei sobre as aposentadorias, "
    "criticado pelos sindicatos.",
    "Caesar et milites in castra redierunt, et nuntius est missus ad senatum "
    "qui de bello consuleret.",
    "Lo govèrn a presentat dimars un projècte de lei sus las pensions, que los sindicats critican.",
    "De regering heeft dinsdag een wetsvoorstel over de pensioenen ingediend, "
    "dat werd bekritiseerd.",
    "Die regering het Dinsdag 'n nuwe wet ingedien, en dit was in die nuus as by die hof bekend.",
    "Die Regierung hat am Dienstag ein Gesetz vorgelegt, "
    "das von den Gewerkschaften kritisiert wurde.",
    "حکومت نے منگل کو پنشن کے بارے میں ایک نیا قانون پیش کیا جس پر مزدور یونینوں نے تنقید کی۔",
    "حکومت د سه شنبې په ورځ د تقاعد په اړه نوی قانون وړاندې کړ چې اتحادیو نیوکه پرې وکړه.",
    "حکومەت ڕۆژی سێشەممە یاسایەکی نوێی دەربارەی خانەنشینی پێشکەش کرد.",
    "دولت روز سه شنبه لايحه جديدي را درباره بازنشستگي ارائه كرد "
    "كه مورد انتقاد اتحاديه ها قرار گرفت",
    "Centre National des Caisses d'Epargne et de Prevoyance said it is issuing a franc bond.",
)


def agrees(sample: str) -> bool:
    found = languages._plainly(sample)
    return found is None or found == languages._by_model(sample)


def test_each_shortcut_takes_its_language() -> None:
    found = {text: languages._plainly(text[: languages.SAMPLE_CHARS]) for text in PLAIN}
    assert found == PLAIN
    assert all(languages._by_model(text[: languages.SAMPLE_CHARS]) == PLAIN[text] for text in PLAIN)


@pytest.mark.parametrize("text", CONFUSABLE)
def test_no_shortcut_answers_otherwise_than_the_model(text: str) -> None:
    assert agrees(text[: languages.SAMPLE_CHARS])


def test_the_shortcuts_agree_with_the_model_on_the_sample_archive() -> None:
    lines = (SAMPLE / "fakes.jsonl").read_text(encoding="utf-8").splitlines()
    samples = [json.loads(line)["text"][: languages.SAMPLE_CHARS] for line in lines]
    taken = [s for s in samples if languages._plainly(s) is not None]
    # One article the model takes for Nigerian Pidgin is English ("the" and three words).
    assert len(taken) > 300 and len(taken) - sum(agrees(s) for s in taken) <= 1
