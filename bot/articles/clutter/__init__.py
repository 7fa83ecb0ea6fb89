"""Page clutter in an article's text (datelines, bylines, tag lists, captions...) and its agency.

Recognised once, at import: the spans found are stored with the article (`clutter`), and the
answer-sentence choice never quotes from them. Clutter is often glued to a real sentence in
scraped texts ("Date of publication 12 June 2016 Dozens of civilians have been killed..."), so
it is a span of characters, not a whole sentence.

One module a kind of clutter; `spans.clutter_spans` runs them all, `sources` names an
article's agency.
"""
