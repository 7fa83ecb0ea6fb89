"""English words whose forms the stemmer does not join: irregular verbs and plurals.

Snowball's English stemmer joins "kill", "kills" and "killed", but not "say" and "said", "flee"
and "fled", "child" and "children": asked "what did Erdogan say about Afrin?", an archive whose
article has "Erdogan said" held no "say", and the question read as one on another topic. Each
line below is one word's forms (base, past, participle; singular, plural), the ones news uses.

Left out: forms with another common meaning in news, which joining would turn into false
matches ("shot" a vaccine, "left" the party, "found" as in founded, "rose" and "fed" as names,
"born" is no form of a bear, "wound", "ground", "spring", "lay", "bit", "lives").

(lemminflect knows every English word's forms, but holds 52 MiB of tables in memory for the
hundred and fifty families a news question needs.)
"""

from __future__ import annotations

from functools import cache

_FAMILIES = """
arise arose arisen
awake awoke awoken
beat beaten
become became
begin began begun
bend bent
bleed bled
blow blew blown
break broke broken
breed bred
bring brought
build built
burn burnt
buy bought
catch caught
choose chose chosen
cling clung
come came
creep crept
deal dealt
dig dug
draw drew drawn
dream dreamt
drink drank drunk
drive drove driven
eat ate eaten
fall fell fallen
feel felt
fight fought
find found
flee fled
fly flew flown
forbid forbade forbidden
foresee foresaw foreseen
forget forgot forgotten
forgive forgave forgiven
freeze froze frozen
get got gotten
give gave given
go went gone
grow grew grown
hang hung
hear heard
hide hid hidden
hold held
keep kept
kneel knelt
know knew known
lead led
leap leapt
lend lent
light lit
lose lost
make made
mean meant
meet met
mislead misled
mistake mistook mistaken
oversee oversaw overseen
overtake overtook overtaken
overthrow overthrew overthrown
pay paid
ride rode ridden
ring rang rung
rise risen
run ran
say said
see saw seen
seek sought
sell sold
send sent
shake shook shaken
shine shone
shrink shrank shrunk
sing sang sung
sink sank sunk
sit sat
sleep slept
slide slid
speak spoke spoken
speed sped
spend spent
spin spun
stand stood
steal stole stolen
stick stuck
sting stung
strike struck stricken
strive strove striven
swear swore sworn
sweep swept
swim swam swum
swing swung
take took taken
teach taught
tear tore torn
tell told
think thought
throw threw thrown
undergo underwent undergone
understand understood
undertake undertook undertaken
uphold upheld
wake woke woken
wear wore worn
weave wove woven
weep wept
win won
withdraw withdrew withdrawn
withhold withheld
withstand withstood
write wrote written
analysis analyses
child children
crisis crises
criterion criteria
foot feet
goose geese
knife knives
man men
mouse mice
phenomenon phenomena
thief thieves
tooth teeth
wife wives
wolf wolves
woman women
"""

# A country's people and adjective: asked "president of Syria", the archive says "Syrian
# President Bashar al-Assad".
_DEMONYMS = """
afghanistan afghan afghans
algeria algerian algerians
america american americans
armenia armenian armenians
azerbaijan azerbaijani azerbaijanis
bahrain bahraini bahrainis
belgium belgian belgians
brazil brazilian brazilians
britain british briton britons
canada canadian canadians
china chinese
cyprus cypriot cypriots
egypt egyptian egyptians
ethiopia ethiopian ethiopians
europe european europeans
france french
georgia georgian georgians
germany german germans
greece greek greeks
india indian indians
indonesia indonesian indonesians
iran iranian iranians
iraq iraqi iraqis
ireland irish
israel israeli israelis
italy italian italians
japan japanese
jordan jordanian jordanians
korea korean koreans
kurdistan kurdish kurd kurds
kuwait kuwaiti kuwaitis
lebanon lebanese
libya libyan libyans
mexico mexican mexicans
morocco moroccan moroccans
netherlands dutch
nigeria nigerian nigerians
oman omani omanis
pakistan pakistani pakistanis
palestine palestinian palestinians
poland polish
qatar qatari qataris
russia russian russians
saudi saudis
somalia somali somalis
spain spanish
sudan sudanese
sweden swedish swede swedes
switzerland swiss
syria syrian syrians
tunisia tunisian tunisians
turkey turkish turk turks
ukraine ukrainian ukrainians
yemen yemeni yemenis
"""


@cache
def _forms() -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    for line in (_FAMILIES + _DEMONYMS).strip().splitlines():
        family = frozenset(line.split())
        for word in family:
            found[word] = family - {word}
    return found


def other_forms(word: str) -> frozenset[str]:
    """The other forms of an English word (lower case) that its stem does not share, if any:
    "said" for "say", "children" for "child"."""
    return _forms().get(word, frozenset())
