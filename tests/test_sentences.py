"""Sentence splitting and the choice of the answer sentence."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.questions.analysis import AnswerType, Query, QueryTerm, Variant, stem, stems
from bot.questions.sentences import (
    best_quote,
    best_sentence,
    highlights,
    iter_sentences,
    split_sentences,
)


def test_split_keeps_abbreviations_and_initials_together() -> None:
    text = "Mr. J. K. Smith went to the U.S. on Jan. 5. He left.\n\nCNN —\n\nOne? Yes!"
    assert [s.text for s in split_sentences(text)] == [
        "Mr. J. K. Smith went to the U.S. on Jan. 5.",
        "He left.",
        "CNN —",
        "One?",
        "Yes!",
    ]


def test_split_keeps_russian_and_french_short_forms_together() -> None:
    text = "Он живёт на ул. Ленина. Выступил проф. Иванов. Mme. Dupont est partie. Fin."
    assert [s.text for s in split_sentences(text)] == [
        "Он живёт на ул. Ленина.",
        "Выступил проф. Иванов.",
        "Mme. Dupont est partie.",
        "Fin.",
    ]


def test_split_joins_hard_wrapped_lines() -> None:
    text = "Showers continued throughout the week in\nthe Bahia cocoa zone. Prices fell."
    assert [s.text for s in split_sentences(text)] == [
        "Showers continued throughout the week in the Bahia cocoa zone.",
        "Prices fell.",
    ]


def test_split_reports_start_offsets() -> None:
    text = "First one here.  Second one here."
    assert [s.start for s in split_sentences(text)] == [0, 17]


def _query(*words: tuple[str, str, float]) -> Query:
    terms = tuple(QueryTerm(word, (Variant(term, 1.0),), idf) for word, term, idf in words)
    return Query(" ".join(w for w, _, _ in words), terms, AnswerType.ANY)


def test_best_sentence_prefers_rare_query_words_over_the_lead() -> None:
    query = _query(("trapped", "trap", 3.0), ("civilians", "civilian", 0.5))
    text = (
        "Forces entered the old city on Sunday after weeks of fighting.\n\n"
        "Officials said the civilians were safe in the north today.\n\n"
        "Up to 100,000 civilians are still trapped in the city, the UN said."
    )
    expected = "Up to 100,000 civilians are still trapped in the city, the UN said."
    assert expected == best_sentence(query, "Forces enter the city", text)


def test_highlights_are_spans_of_matching_words() -> None:
    query = _query(("trapped", "trap", 3.0))
    assert highlights(query, "Are trapped or traps here?") == ((4, 11), (15, 20))


_DINOSAUR = (
    "Sotheby's will auction a rare dinosaur found in Montana this month.\n\n"
    "The Gorgosaurus skeleton is nearly 10 feet tall and 22 feet long.\n\n"
    "Experts said the Gorgosaurus lived 76 million years ago in what is now Alberta.\n\n"
    "The Gorgosaurus draws collectors from around the world, Sotheby's said."
)


def test_a_question_prefers_the_sentence_naming_what_the_story_keeps_returning_to() -> None:
    keywords = _query(("dinosaur", "dinosaur", 2.0), ("skeleton", "skeleton", 2.0))
    query = Query("Which dinosaur skeleton?", keywords.terms, AnswerType.ANY)
    expected = "The Gorgosaurus skeleton is nearly 10 feet tall and 22 feet long."
    assert expected == best_sentence(query, "Dinosaur for sale", _DINOSAUR)


_FANS = "Fans at the halftime show on Sunday said they had never seen a baby bump reveal like it."
_HALFTIME = (
    _FANS + "\n\n"
    "Rihanna, 34, showed her baby bump on stage as she sang her biggest hits.\n\n"
    "The league said ratings were the highest in years."
)


def test_the_headline_names_what_a_question_asks_for() -> None:
    query = _query(("baby", "babi", 2.0), ("bump", "bump", 3.0))
    assert best_sentence(query, "Super Bowl halftime show draws fans", _HALFTIME) == _FANS
    expected = "Rihanna, 34, showed her baby bump on stage as she sang her biggest hits."
    assert expected == best_sentence(query, "Rihanna pregnant with second child", _HALFTIME)


def test_a_headline_cut_from_the_text_is_no_cue() -> None:
    query = _query(("baby", "babi", 2.0), ("bump", "bump", 3.0))
    text = "Rihanna pregnant with second child\n\n" + _HALFTIME
    assert best_sentence(query, "Rihanna pregnant with second child", text) == _FANS


_MAKEOVER = (
    "Baskin-Robbins is making some changes.\n\n"
    "The ice cream chain is getting a makeover of its logo and its stores.\n\n"
    "Ice cream fans will see the makeover in the summer, the company said.\n\n"
    "Baskin-Robbins opened its first store in California in 1945."
)


def test_keywords_not_naming_the_story_subject_get_a_quote_that_names_it() -> None:
    # Keywords get the sentence holding them all, quoted with the lead it refers back to.
    query = _query(("ice", "ice", 3.0), ("cream", "cream", 4.0), ("makeover", "makeov", 5.0))
    chain = "The ice cream chain is getting a makeover of its logo and its stores."
    assert best_sentence(query, "A new look", _MAKEOVER) == chain
    assert (
        best_quote(query, "A new look", _MAKEOVER)
        == f"Baskin-Robbins is making some changes. {chain}"
    )
    # A question word asks for what the words lack: the subject's sentence.
    asked = Query("which ice cream company is getting a makeover?", query.terms, AnswerType.PERSON)
    assert best_sentence(asked, "A new look", _MAKEOVER) == "Baskin-Robbins is making some changes."


def test_keywords_get_the_sentence_holding_them_all_over_a_lead_holding_some() -> None:
    text = (
        "Several villages held by Islamic State have been captured by the Syrian Democratic "
        "Forces, a monitoring group said on Monday.\n\n"
        "The advance is part of a campaign backed by a US-led coalition.\n\n"
        "Islamic State had been on the back foot in both Syria and Iraq.\n\n"
        "Turkish-backed rebels are now attempting to capture the city of al-Bab from "
        "Islamic State."
    )
    query = _query(("al", "al", 0.3), ("bab", "bab", 2.7), ("captured", "captur", 2.2))
    expected = (
        "Turkish-backed rebels are now attempting to capture the city of al-Bab from Islamic State."
    )
    assert best_sentence(query, "Kurd-led forces press Islamic State", text) == expected


def test_keywords_naming_the_story_subject_get_the_sentence_that_matches_them() -> None:
    query = _query(("baskin", "baskin", 6.0), ("store", "store", 2.0), ("1945", "1945", 6.0))
    expected = "Baskin-Robbins opened its first store in California in 1945."
    assert expected == best_sentence(query, "A new look", _MAKEOVER)


def test_iter_sentences_finds_what_split_sentences_finds() -> None:
    text = "Mr. J. K. Smith went to the U.S. on Jan. 5. He left.\n\nCNN —\n\nOne? Yes!\n- a list"
    assert list(iter_sentences(text)) == [s.text for s in split_sentences(text)]


def test_stems_are_the_stems_of_each_word() -> None:
    words = ["Civilians", "trapped", "in", "Raqqa", "x" * 41, "civilians"]
    assert (
        stems(words)
        == [stem(w) for w in words]
        == ["civilian", "trap", "in", "raqqa", "", "civilian"]
    )


def test_a_question_in_the_text_is_not_quoted_as_the_answer() -> None:
    # News quizzes print the question itself: it holds every word asked, and no answer.
    query = _query(("toy", "toy", 3.0), ("relaunched", "relaunch", 3.0))
    text = (
        "Which iconic 1990s children's toy is set to be relaunched?\n\n"
        "The Furby, the talking toy of the late 1990s, is coming back to shops this autumn.\n\n"
        "Its maker said the new version would be relaunched with a simpler design."
    )
    chosen = best_sentence(query, "News quiz", text)
    assert not chosen.endswith("?")
    # With nothing else to quote, the question is still better than nothing.
    assert best_sentence(query, "Quiz", "Which toy is set to be relaunched in the autumn?")


def test_a_sentence_holding_every_word_has_a_share_of_exactly_one() -> None:
    # Sums of idfs in another order round differently (0.1 + 0.2 + 0.7 != 0.7 + 0.2 + 0.1);
    # "holds them all" must not depend on the order a set of words happens to be read in.
    import itertools

    from bot.questions.sentences import sentence_cues

    words = [
        ("aleppo", "aleppo", 0.1),
        ("convoy", "convoy", 0.2),
        ("stuck", "stuck", 0.7),
        ("border", "border", 0.3),
    ]
    text = "The aid convoy for Aleppo was stuck at the border for three days, officials said."
    for order in itertools.permutations(words):
        [(_, cues)] = sentence_cues(_query(*order), "Aid", text)
        assert cues[0] == 1.0


_AUCTION = (
    "A copy of a Jane Austen novel has become the most expensive of her works ever sold.\n\n"
    "The first edition of Emma features a handwritten message from the author.\n\n"
    "The buyer insisted it stay in the UK, the auction house said."
)


def test_a_lead_describing_its_subject_is_quoted_with_the_sentence_naming_it() -> None:
    query = _query(("austen", "austen", 6.0), ("auction", "auction", 3.0), ("sold", "sold", 1.0))
    assert best_sentence(query, "Austen book sells", _AUCTION) == _AUCTION.split("\n\n")[0]
    expected = " ".join(_AUCTION.split("\n\n")[:2])
    assert expected == best_quote(query, "Austen book sells", _AUCTION)


_HONOUR = (
    "Tom Cruise is choosing to accept a major honor from the U.S. Navy.\n\n"
    "The Top Gun star, 62, on Tuesday received the Navy's Distinguished Public Service Award.\n\n"
    "Del Toro said it was an honor to present the actor with the award."
)


def test_a_second_sentence_referring_back_is_quoted_with_the_lead_it_refers_to() -> None:
    query = _query(("navy", "navi", 2.0), ("award", "award", 3.0), ("service", "servic", 2.0))
    assert best_sentence(query, "Navy award", _HONOUR) == _HONOUR.split("\n\n")[1]
    expected = " ".join(_HONOUR.split("\n\n")[:2])
    assert expected == best_quote(query, "Navy award", _HONOUR)


def test_a_lead_printed_twice_is_quoted_once() -> None:
    # Some pages repeat their lead: quoting it with its repeat says nothing more.
    lead = "The blast in Idleb killed 47 commanders, the Syrian Observatory reported."
    text = f"{lead} {lead}\n\nExplosives were positioned near the meeting hall."
    query = _query(("idleb", "idleb", 6.0), ("blast", "blast", 3.0))
    assert best_quote(query, "Idleb blast", text) == lead


def test_a_sentence_is_quoted_with_the_next_best_answer_when_both_fit() -> None:
    query = _query(("baskin", "baskin", 6.0), ("store", "store", 2.0), ("1945", "1945", 6.0))
    chosen = "Baskin-Robbins opened its first store in California in 1945."
    # The answer first; "…" as the other comes from elsewhere in the text.
    expected = f"{chosen} … Baskin-Robbins is making some changes."
    assert expected == best_quote(query, "A new look", _MAKEOVER)
    # No room for both: the chosen sentence alone, whole.
    assert best_quote(query, "A new look", _MAKEOVER, limit=len(expected) - 1) == chosen
    # A lead naming its subject is quoted with the sentence that answers next best.
    text = "Baskin-Robbins is making a change to its 1945 store.\n\n" + _MAKEOVER
    quote = best_quote(query, "A new look", text)
    assert quote.startswith(text.split("\n\n")[0] + " ")


def test_two_sentences_each_holding_another_part_of_the_question_are_not_quoted_together() -> None:
    query = _query(("president", "presid", 2.0), ("france", "franc", 3.0))
    text = (
        "France and Britain said on Wednesday that inspectors should be allowed in.\n\n"
        "Weather in the region was mild for the season, officials noted.\n\n"
        "The government of President Bashar al-Assad denied using chemical weapons."
    )
    assert best_quote(query, "Inspectors", text) == text.split("\n\n")[0]
    # One sharing a word of the question with the chosen one goes on with it.
    also = "France's foreign minister said he expected a vote within days."
    assert best_quote(query, "Inspectors", f"{text}\n\n{also}") == (
        f"{text.split(chr(10) * 2)[0]} … {also}"
    )


def test_a_lead_pair_longer_than_the_limit_is_quoted_as_the_sentence_alone() -> None:
    query = _query(("austen", "austen", 6.0), ("auction", "auction", 3.0), ("sold", "sold", 1.0))
    first, second = _AUCTION.split("\n\n")[:2]
    assert best_quote(query, "Austen book sells", _AUCTION, limit=len(first) + 20) == first
    assert best_quote(query, "Austen", _AUCTION, limit=len(first) + len(second) + 1) == (
        f"{first} {second}"
    )


_GOALS = (
    "England reached the World Cup final after beating Australia 3-1 in the semi-final.\n\n"
    "It was a historic evening in Sydney, as goals from Toone, Hemp and Russo won it.\n\n"
    "Sarina Wiegman's side will now be aiming to lift the trophy."
)


def test_a_lead_is_quoted_with_the_second_sentence_that_goes_on_about_it() -> None:
    query = _query(("semi", "semi", 4.0), ("final", "final", 2.0), ("australia", "australia", 3.0))
    assert best_sentence(query, "Lionesses roar", _GOALS) == _GOALS.split("\n\n")[0]
    expected = " ".join(_GOALS.split("\n\n")[:2])
    assert expected == best_quote(query, "Lionesses roar", _GOALS)


def test_the_second_sentence_of_a_lead_is_cut_when_a_good_part_of_it_fits() -> None:
    query = _query(("austen", "austen", 6.0), ("auction", "auction", 3.0), ("sold", "sold", 1.0))
    first = _AUCTION.split("\n\n")[0]
    second = "The first edition of Emma, " + "bought by an American collector, " * 4 + "stays."
    text = f"{first}\n\n{second}\n\nThe buyer insisted it stay in the UK."
    limit = len(first) + 120
    quote = best_quote(query, "Austen book sells", text, limit=limit)
    assert quote.startswith(f"{first} The first edition of Emma, bought by")
    assert quote.endswith("…")
    assert len(quote) <= limit
    # Less than that left for it: the lead alone.
    assert best_quote(query, "Austen book sells", text, limit=len(first) + 99) == first


def test_a_heading_before_the_chosen_sentence_is_not_quoted_with_it() -> None:
    query = _query(("navy", "navi", 2.0), ("award", "award", 3.0), ("service", "servic", 2.0))
    heading = "The best photos from the Navy award ceremony in Washington"
    text = _HONOUR.replace(
        "Tom Cruise is choosing to accept a major honor from the U.S. Navy.", heading
    )
    chosen = _HONOUR.split("\n\n")[1]
    assert best_sentence(query, "Navy award", text) == chosen
    # Quoted with the sentence that answers next best, never with the heading.
    quote = best_quote(query, "Navy award", text)
    assert quote == f"{chosen} {_HONOUR.split(chr(10) * 2)[2]}"
    assert heading not in quote


_OPENINGS = st.sampled_from(["A", "The", "It", "Officials", "Baskin-Robbins", "He"])
_SENTENCE = st.builds(
    lambda first, words: " ".join([first, *words]) + ".",
    _OPENINGS,
    st.lists(st.sampled_from(["ice", "cream", "makeover", "store", "said", "new"]), min_size=4),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_SENTENCE, min_size=1, max_size=6), st.integers(min_value=40, max_value=400))
def test_a_quote_holds_the_chosen_sentence_whole_and_fits_the_limit(
    sentences: list[str], limit: int
) -> None:
    query = _query(("ice", "ice", 3.0), ("cream", "cream", 4.0), ("makeover", "makeov", 5.0))
    text = "\n\n".join(sentences)
    chosen = best_sentence(query, "A new look", text)
    quote = best_quote(query, "A new look", text, limit=limit)
    if quote == chosen:
        return
    assert len(quote) <= limit
    assert chosen in quote
    lead, second = sentences[:2]
    # The story's lead pair, or the chosen sentence whole and then another one of the text
    # (the second sentence may be cut on a word, with "…").
    pair = f"{lead} {second}".startswith(quote.removesuffix("…"))
    rest = quote.removeprefix(chosen).removeprefix(" … ").removeprefix(" ")
    other = rest in sentences or (
        rest.endswith("…") and any(s.startswith(rest.removesuffix("…")) for s in sentences)
    )
    assert pair or (quote.startswith(chosen) and other)
