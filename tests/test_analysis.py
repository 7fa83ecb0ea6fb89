"""Query analysis: stop words, stems, spelling variants from the archive."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.questions.analysis import AnswerType, Variant, analyze, answer_type, typed_names


@dataclass
class Stats:
    """Term statistics of a tiny archive."""

    freqs: dict[str, int] = field(default_factory=dict)

    def doc_freq(self, term: str) -> int:
        return self.freqs.get(term, 0)

    def num_docs(self) -> int:
        return 1000


def test_question_and_stop_words_do_not_count() -> None:
    query = analyze("Who are the civilians trapped in the city?", Stats({"civilian": 5}))
    assert [t.word for t in query.terms] == ["civilians", "trapped", "city"]
    assert tuple(t.variants[0].term for t in query.terms) == ("civilian", "trap", "citi")


def test_a_stop_word_typed_in_capitals_is_a_name() -> None:
    stats = Stats({"us": 300, "strike": 50, "syria": 600, "who": 400})
    words = [t.word for t in analyze("why did the US strike Syria?", stats).terms]
    assert words == ["us", "strike", "syria"]
    assert [t.word for t in analyze("WHO warns of cholera", stats).terms] == [
        "who",
        "warns",
        "cholera",
    ]
    # Typed in lower case it is the pronoun; a question all in capitals says nothing by them.
    assert [t.word for t in analyze("why did they strike us?", stats).terms] == ["strike"]
    assert [t.word for t in analyze("WHY DID THE US STRIKE?", stats).terms] == ["strike"]


def test_a_word_with_letters_english_does_not_write_is_no_slip_of_a_common_english_word() -> None:
    # "piégés" (French, trapped) is one letter from "piéces", read "pieces" by the index.
    stats = Stats({"piec": 300, "sutamarchan": 3})
    assert [v.term for v in analyze("piégés", stats).terms[0].variants] == ["pieg"]
    # A name's slip is still read as the name ("sutamacrhán": Sutamarchán).
    terms = [v.term for v in analyze("sutamacrhán", stats).terms[0].variants]
    assert terms == ["sutamarchan"]


def test_names_are_the_words_capitalised_inside_a_question() -> None:
    assert typed_names("how many people fled Aleppo?") == {"aleppo"}
    assert typed_names("what did Russia say about Deir ez-Zor?") == {"russia", "deir", "zor"}
    # A phone capitalises the first word; a headline's case and acronyms (written "U.S.",
    # "United States") name nothing the article must write so.
    assert typed_names("Jordan border attack") == frozenset()
    assert typed_names("Putin Erdogan Meeting") == frozenset()
    assert typed_names("why did the US strike Syria?") == {"syria"}
    assert typed_names("how many people fled aleppo?") == frozenset()
    assert typed_names("what happened in Aleppo on Tuesday in May?") == {"aleppo"}


def test_unknown_word_takes_its_closest_frequent_spelling() -> None:
    query = analyze("isladns", Stats({"island": 50, "islay": 1}))
    assert (Variant("island", 1.0),) == query.terms[0].variants


def test_an_unknown_word_takes_the_likeliest_slips_then_commoner_words() -> None:
    # "jonnes" is one letter from "jones" (analysed "jone"), and from "johns" and "joins":
    # a letter typed twice is a likelier slip than another letter, whatever is commoner, and
    # the less likely slips are no reading of it at all.
    query = analyze("jonnes", Stats({"john": 300, "join": 200, "jone": 40, "jonah": 1}))
    assert query.terms[0].variants == (Variant("jone", 1.0),)
    # A double typed once, not a first letter left out ("rested") nor another letter changed.
    arested = analyze("arested", Stats({"rest": 300, "arrest": 40, "crest": 10})).terms[0]
    assert arested.variants == (Variant("arrest", 1.0),)
    # Of two letters left out, the word English uses ("civilians"), not one it rarely does
    # ("civilants", analysed "civil"), even as a runner-up.
    civilans = analyze("civilans", Stats({"civil": 300, "civilian": 40})).terms[0]
    assert civilans.variants == (Variant("civilian", 1.0),)
    # A stop word is no reading ("hering", analysed "here"); a double moved ("herring") is no
    # likelier than a letter changed ("hearing"), nor is a rare word one letter left out
    # ("hedering"): the commonest of the three first, the others as runners-up.
    stats = Stats({"here": 900, "hear": 300, "herring": 40, "heder": 40})
    heering = analyze("heering", stats).terms[0]
    assert heering.variants == (
        Variant("hear", 1.0),
        Variant("herring", 0.5),
        Variant("heder", 0.5),
    )
    # The word meant brings its country adjective, as the word itself would.
    typed = analyze("afhganistan", Stats({"afghanistan": 30, "afghan": 40})).terms[0]
    assert [v.term for v in typed.variants] == ["afghanistan", "afghan"]


def test_a_rare_word_is_also_read_as_its_likely_slip_the_archive_holds_more() -> None:
    # "Shaykun" is in one article, "Shaykhun" in three: a letter left out.
    variants = analyze("shaykun", Stats({"shaykun": 1, "shaykhun": 3})).terms[0].variants
    assert [v.term for v in variants] == ["shaykun", "shaykhun"]
    # Not a less likely slip that is as rare ("shaykan": a letter changed).
    variants = analyze("shaykun", Stats({"shaykun": 1, "shaykan": 3})).terms[0].variants
    assert [v.term for v in variants] == ["shaykun"]


def test_a_rare_word_known_as_another_words_stem_is_also_read_as_its_likely_slip() -> None:
    # "mathes" is analysed "math" (which the archive holds), "staf" is the stem of "staffing":
    # a common word a letter left out or a double typed once away, held more, is the reading,
    # the word itself (another word's stem) the runner-up.
    mathes = analyze("mathes", Stats({"math": 115, "match": 927})).terms[0]
    assert mathes.variants == (Variant("math", 0.5), Variant("match", 1.0))
    staf = analyze("staf", Stats({"staf": 253, "staff": 1461})).terms[0]
    assert staf.variants == (Variant("staf", 0.5), Variant("staff", 1.0))
    # Not when the archive holds the word more often than that reading.
    assert analyze("staf", Stats({"staf": 253, "staff": 200})).terms[0].variants == (
        Variant("staf", 1.0),
    )


def test_a_word_known_as_a_common_words_stem_counts_its_reading_however_rare_the_stem() -> None:
    # "employes" is "employ" to the stemmer (706 articles, of "employ", "employed"...): that
    # count is not the typed word's, so "employees" held more often at all is the reading.
    employes = analyze("employes", Stats({"employ": 706, "employe": 1115})).terms[0]
    assert employes.variants == (Variant("employ", 0.5), Variant("employe", 1.0))


def test_a_word_known_as_a_common_words_stem_is_read_only_as_a_common_word() -> None:
    # "minted" is "mint" to the stemmer; "minuted" (a letter left out, analysed "minut" as
    # "minute" is) is a word English rarely uses: no likelier than "minted" itself.
    minted = analyze("minted", Stats({"mint": 71, "minut": 1619})).terms[0]
    assert minted.variants == (Variant("mint", 1.0),)


def test_name_spellings_find_each_other() -> None:
    stats = Stats({"raqqa": 80, "raqa": 10})
    rakka = analyze("Rakka", stats).terms[0].variants
    assert [v.term for v in rakka] == ["raqqa", "raqa"]
    assert [v.term for v in analyze("Raqa", stats).terms[0].variants] == ["raqa", "raqqa"]
    assert [v.term for v in analyze("Raqqa", stats).terms[0].variants] == ["raqqa", "raqa"]


def test_a_common_word_takes_no_other_spelling() -> None:
    # A name spelled with a k is no other spelling of a word English uses often.
    stats = Stats({"compani": 300, "kompani": 3})
    assert analyze("company", stats).terms[0].variants == (Variant("compani", 1.0),)
    # A name's other spellings are searched (test_name_spellings_find_each_other).
    assert [v.term for v in analyze("Kompany", stats).terms[0].variants] == ["kompani", "compani"]


def test_known_word_does_not_turn_into_a_commoner_word() -> None:
    query = analyze("pitt", Stats({"pitt": 20, "pit": 400}))
    assert (Variant("pitt", 1.0),) == query.terms[0].variants


def test_answer_type_from_question_words() -> None:
    assert [
        answer_type(q) for q in ("How many died?", "When did it open?", "Where is it?", "Who won?")
    ] == [AnswerType.NUMBER, AnswerType.TIME, AnswerType.PLACE, AnswerType.PERSON]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.from_regex(r"\w{1,50}", fullmatch=True), max_size=30))
def test_a_sentences_new_words_are_analyzed_together_as_each_alone(words: list[str]) -> None:
    from bot.questions import analysis

    analysis._STEMS.clear()
    together = analysis.stems(words)
    analysis._STEMS.clear()
    assert together == [analysis.stem(word) for word in words]
