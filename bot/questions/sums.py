"""Whether a quote can answer "how much does X cost?": it names a sum of money.

"How much" asks an amount, and the "how many" rules take any count for one; a question
asking a price, a fine or a payment is answered by money ("$5 billion", "200 Syrian pounds"),
not by another amount ("wheat output ... dropped ... to 1.5 million" for "how much does bread
cost in Aleppo?").
"""

from __future__ import annotations

import re

from bot.questions.abstention import is_long
from bot.questions.analysis import Query

# "how much does bread cost", "how much did the FTC fine Facebook", "how much is the house
# worth": a verb or noun of money within a few words of "how much".
_ASKS_SUM = re.compile(
    r"\bhow much\b(?:\W+\w+){0,6}?\W+(?:cost|costs|costed|price|prices|priced|pay|pays|paid|"
    r"fine|fines|fined|charge|charges|charged|spend|spends|spent|worth|earn|earns|earned|"
    r"salary|wage|wages|fee|fees|bail|ransom|reward|bribe)\b",
    re.IGNORECASE,
)
# Money as news writes it: a currency's sign or code by a number, or a number and a
# currency's name ("$20", "€1.2bn", "2.9 million dollars", "200 Syrian pounds", "USD 5").
_CURRENCIES = (
    r"dollars?|euros?|pounds?|sterling|lira|liras|yen|yuan|renminbi|rubles?|roubles?|rupees?|"
    r"dinars?|dirhams?|riyals?|rials?|shekels?|francs?|pesos?|reais|rand|krona|"
    r"kronor|krone|kroner|zloty|cents?|pence|bucks"
)
_MONEY = re.compile(
    rf"[$€£¥₹₽]\s?\d|\b(?:USD|EUR|GBP|US\$|CHF|SYP|TRY|RUB)\s?\d"
    rf"|\d[\d,.]*\s*(?:(?:thousand|million|billion|trillion|bn|m|k)\s+)?"
    rf"(?:[A-Z][a-z]+\s+)?(?:{_CURRENCIES})\b",
    re.IGNORECASE,
)


def asks_a_sum(query: Query) -> bool:
    """Whether the query is a chat question asking how much money something takes."""
    return not is_long(query) and _ASKS_SUM.search(query.text) is not None


def holds_money(text: str) -> bool:
    """Whether a text names a sum of money."""
    return _MONEY.search(text) is not None
