"""The words incidents are found by: trigger verbs and nouns with their incident types.

The pipeline runs without a lemmatizer, so verbs are listed by base form and their
inflected forms generated (irregular ones listed). Besides the triggers: objects and
modifiers that make a trigger figurative ("captured the silver", "heart attack"),
and the word classes the location and type rules read (place nouns, actor nouns,
locative prepositions). The ``geomap.event_*`` modules apply them to the dependency parse.
"""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    """A word class from a space-separated list."""
    return frozenset(text.split())


VERB_FORMS: dict[str, tuple[str, ...]] = {
    # base: irregular forms (regular -s/-ed/-ing forms are generated)
    "shoot": ("shot",),
    "flee": ("fled",),
    "meet": ("met",),
    "strike": ("struck", "striking"),
    "fight": ("fought",),
    "take": ("took", "taken"),
    "blow": ("blew", "blown"),
    "hit": ("hitting",),
    "overrun": ("overran", "overrunning"),
    "seize": ("seizing", "seized"),
    "die": ("dying", "died"),
    "stab": ("stabbed", "stabbing"),
    "bomb": ("bombed", "bombing"),
    "kidnap": ("kidnapped", "kidnapping"),
    "patrol": ("patrolled", "patrolling"),
    "plan": ("planned", "planning"),
    "divert": ("diverted", "diverting"),
    "riot": ("rioted", "rioting"),
    "withdraw": ("withdrew", "withdrawn"),
    "retake": ("retook", "retaken"),
    "rob": ("robbed", "robbing"),
    "speak": ("spoke", "spoken"),
    "free": ("freed", "freeing"),
    "beat": ("beaten", "beating"),
    "hack": ("hacked", "hacking"),
    "throw": ("threw", "thrown"),
    "down": ("downed", "downing"),
    "drop": ("dropped", "dropping"),
}

VERB_TYPES: dict[str, str] = {
    "kill": "casualties", "die": "casualties", "wound": "casualties", "injure": "casualties",
    "massacre": "armed_attack", "murder": "armed_attack", "execute": "armed_attack",
    "attack": "armed_attack", "ambush": "armed_attack", "assault": "armed_attack",
    "shoot": "armed_attack", "stab": "armed_attack", "kidnap": "armed_attack", "abduct": "armed_attack",
    "detonate": "armed_attack", "explode": "armed_attack", "destroy": "armed_attack",
    "burn": "armed_attack", "torch": "armed_attack", "loot": "armed_attack", "fight": "armed_attack",
    "clash": "armed_attack", "hit": "armed_attack", "target": "armed_attack",
    "bomb": "airstrike_shelling", "shell": "airstrike_shelling", "strike": "airstrike_shelling",
    "bombard": "airstrike_shelling", "pound": "airstrike_shelling", "airstrike": "airstrike_shelling",
    "fire": "armed_attack", "hijack": "maritime_attack",
    "capture": "ground_operation", "seize": "ground_operation", "liberate": "ground_operation",
    "recapture": "ground_operation", "retake": "ground_operation", "secure": "ground_operation",
    "overrun": "ground_operation", "advance": "ground_operation", "raid": "ground_operation",
    "patrol": "ground_operation", "invade": "ground_operation", "occupy": "ground_operation",
    "storm": "ground_operation", "besiege": "ground_operation", "encircle": "ground_operation",
    "deploy": "ground_operation", "withdraw": "ground_operation",
    "arrest": "arrest_detention", "detain": "arrest_detention", "apprehend": "arrest_detention",
    "jail": "arrest_detention", "imprison": "arrest_detention",
    "flee": "displacement_humanitarian", "displace": "displacement_humanitarian",
    "evacuate": "displacement_humanitarian", "reroute": "other", "divert": "other", "sail": "other",
    "meet": "meeting_diplomacy", "negotiate": "meeting_diplomacy",
    "threaten": "statement_threat", "warn": "statement_threat", "vow": "statement_threat",
    "protest": "protest_unrest", "march": "protest_unrest", "demonstrate": "protest_unrest",
    "rally": "protest_unrest", "riot": "protest_unrest",
    "plan": "military_plan",
    # only in the senses ``geomap.incidents.triggers.trigger_kind`` checks: "blew himself up",
    # "a rocket landed", "protesters gathered"
    "blow": "armed_attack", "land": "airstrike_shelling", "gather": "protest_unrest",
    "infiltrate": "ground_operation", "disperse": "protest_unrest",
    "retaliate": "armed_attack",
    "rob": "armed_attack", "sentence": "arrest_detention",
    # only in the senses ``geomap.incidents.senses`` checks: an official's visit or call, people freed
    "visit": "meeting_diplomacy", "speak": "meeting_diplomacy", "free": "other", "release": "other",
    # killings told by how: "beheaded 3 civilians"; "hacked" and "beat" only "to death"; a mob's
    # lynching is unrest, as coders code mob violence; "neutralised" only of people (militaries' word)
    "behead": "armed_attack", "hack": "armed_attack", "beat": "armed_attack",
    "lynch": "protest_unrest", "neutralise": "casualties", "neutralize": "casualties",
    # by what is done: "vandalised the party office" (property destroyed; unrest when rioters do it:
    # ``geomap.incidents.refine_type``), "blocked the highway" (only roads and the like),
    # "hurled a grenade", "threw stones", "launched missiles" (only weapons: ``geomap.incidents.senses``)
    "vandalise": "other", "vandalize": "other", "ransack": "other",
    "block": "protest_unrest", "hurl": "armed_attack", "throw": "armed_attack",
    "launch": "airstrike_shelling",
    # air defence and weapons stopped ("intercepted two drones", "downed a drone"), agreements
    # ("signed a peace deal", "agreed to a truce", "brokered a ceasefire"): only in those senses
    "intercept": "military_plan", "down": "military_plan",
    "sign": "meeting_diplomacy", "agree": "meeting_diplomacy", "broker": "meeting_diplomacy",
    # sexual violence by armed men; homes demolished (property destroyed); bombs dropped (from drones
    # or aircraft: only with a bomb or munition as the object)
    "rape": "armed_attack", "demolish": "other", "drop": "airstrike_shelling",
}  # fmt: skip

NOUN_TYPES: dict[str, str] = {
    "attack": "armed_attack", "attacks": "armed_attack", "assault": "armed_attack",
    "ambush": "armed_attack", "shooting": "armed_attack", "shootings": "armed_attack",
    "shootout": "armed_attack", "gunfire": "armed_attack", "explosion": "armed_attack",
    "blast": "armed_attack",
    "bombing": "armed_attack", "bombings": "armed_attack", "clash": "armed_attack",
    "clashes": "armed_attack", "fighting": "armed_attack", "battle": "armed_attack",
    "massacre": "armed_attack", "killing": "casualties", "killings": "casualties",
    "airstrike": "airstrike_shelling", "airstrikes": "airstrike_shelling",
    "strike": "airstrike_shelling", "strikes": "airstrike_shelling",
    "shelling": "airstrike_shelling", "bombardment": "airstrike_shelling",
    "bombardments": "airstrike_shelling", "raid": "ground_operation", "raids": "ground_operation",
    "offensive": "ground_operation", "incursion": "ground_operation", "invasion": "ground_operation",
    "patrol": "ground_operation", "patrols": "ground_operation",
    "arrest": "arrest_detention", "arrests": "arrest_detention", "detention": "arrest_detention",
    "evacuation": "displacement_humanitarian", "displacement": "displacement_humanitarian",
    "aid": "displacement_humanitarian",
    "talks": "meeting_diplomacy", "summit": "meeting_diplomacy", "meeting": "meeting_diplomacy",
    "negotiations": "meeting_diplomacy",
    "threat": "statement_threat", "threats": "statement_threat", "warning": "statement_threat",
    "protest": "protest_unrest", "protests": "protest_unrest", "demonstration": "protest_unrest",
    "demonstrations": "protest_unrest", "rally": "protest_unrest", "march": "protest_unrest",
    "riot": "protest_unrest", "riots": "protest_unrest", "unrest": "protest_unrest",
    "dead": "casualties", "deaths": "casualties",
    # plurals of the nouns above, as common in reports: "explosions rocked X", "twin blasts"
    "explosions": "armed_attack", "blasts": "armed_attack", "ambushes": "armed_attack",
    "assaults": "armed_attack", "massacres": "armed_attack", "battles": "armed_attack",
    "offensives": "ground_operation", "incursions": "ground_operation",
    "counteroffensive": "ground_operation", "counteroffensives": "ground_operation",
    "summits": "meeting_diplomacy", "meetings": "meeting_diplomacy",
    "rallies": "protest_unrest", "marches": "protest_unrest",
    # "sit" only as the first word of "sit-in": ``geomap.incidents.triggers.trigger_kind``
    "sit": "protest_unrest", "walkout": "protest_unrest", "walkouts": "protest_unrest",
    # only with a military modifier or under a plan: ``geomap.incidents.senses.military_operation``
    "operation": "ground_operation", "operations": "ground_operation",
    "robbery": "armed_attack", "robberies": "armed_attack", "siege": "ground_operation",
    "drills": "military_plan",
    # "toll" only as a death toll: ``geomap.incidents.triggers.trigger_kind``
    "toll": "casualties", "fatalities": "casualties",
    # only the dead found: "the bodies of 4 men were found" (``geomap.incidents.senses.bodies_found``)
    "body": "casualties", "bodies": "casualties",
}  # fmt: skip


#: Forms of the sense-checked verbs that are mostly nouns or other senses ("the land", "a blow to"):
#: left out so that the sentences holding them are not parsed for nothing.
UNLISTED_FORMS = words("land landing blow blowed gather down downs")


def _verb_lexicon() -> dict[str, str]:
    forms: dict[str, str] = {}
    for base in VERB_TYPES:
        stem = base[:-1] if base.endswith("e") else base
        regular = {base, f"{base}s", f"{stem}ed", f"{stem}ing"}
        if base.endswith(("sh", "ch", "ss", "x")):
            regular.add(f"{base}es")
        if base.endswith("y"):
            regular |= {f"{base[:-1]}ies", f"{base[:-1]}ied"}
        for form in (regular | set(VERB_FORMS.get(base, ()))) - UNLISTED_FORMS:
            forms[form] = base
    return forms


VERB_FORM_TO_BASE = _verb_lexicon()


def event_words() -> frozenset[str]:
    """Every lower-case word that can trigger an incident: a sentence without one reports none.

    The pipeline parses only sentences holding one of these words, so this must
    cover every word ``geomap.incidents.triggers.trigger_kind`` accepts.
    """
    return frozenset(VERB_FORM_TO_BASE) | frozenset(NOUN_TYPES) | frozenset(PHRASE_NOUNS)


#: Nouns that tell an event only in a fixed phrase ("took to the streets"), which
#: ``trigger_kind`` checks. Kept apart from :data:`NOUN_TYPES`, whose words the models know.
PHRASE_NOUNS: dict[str, str] = {"streets": "protest_unrest"}


def event_word_ids() -> frozenset[int]:
    """The string ids of :func:`event_words`, as a doc's LOWER array holds them."""
    from spacy.strings import get_string_id

    return frozenset(get_string_id(word) for word in event_words())


#: Event-noun types that say how an attack was carried out: they refine a plain "killed".
ATTACK_TYPES = frozenset({"armed_attack", "airstrike_shelling", "maritime_attack", "ground_operation"})
#: Types that report one act of violence in different words: "the strike killed seven" is one event.
VIOLENCE_TYPES = frozenset({"casualties", "armed_attack", "airstrike_shelling", "maritime_attack"})

#: Subjects that make "hit", "struck", "battered" a natural hazard, not an attack: "storms hit Alabama".
HAZARD_WORDS = words(
    "storm storms hurricane hurricanes typhoon typhoons cyclone cyclones tornado tornadoes twister "
    "earthquake earthquakes quake quakes tremor tremors aftershock aftershocks flood floods flooding "
    "floodwaters wildfire wildfires bushfire bushfires blaze blazes drought landslide landslides mudslide "
    "mudslides avalanche avalanches tsunami heatwave rain rains downpour downpours snow snowstorm blizzard "
    "winds wind hail lightning eruption outbreak epidemic"
)
#: Subjects that make "hit" or "struck" a road accident: "an SUV hit a fence".
VEHICLE_WORDS = words("car cars suv truck trucks lorry van bus train vehicle vehicles motorcycle pickup taxi")
SHIP_WORDS = words(
    "ship ships vessel vessels tanker tankers freighter boat boats carrier ferry cargo sea seas "
    "waters strait gulf dhow dhows trawler trawlers"
)
AIR_WORDS = words(
    "airstrike airstrikes aircraft warplane warplanes jets jet drone drones missile missiles "
    "rocket rockets mortar mortars shell shells artillery helicopter helicopters bombers"
)
#: What is fired and comes down: "a rocket landed in X" reports a strike, "the plane landed" does not.
MUNITION_WORDS = words(
    "rocket rockets missile missiles shell shells mortar mortars projectile projectiles bomb bombs "
    "grenade grenades"
)
#: Subjects that make "gathered" a protest: "thousands of protesters gathered", not "mourners".
PROTEST_WORDS = words("protesters protestors demonstrators marchers rioters crowd crowds activists")
#: Who makes a visit or a call a diplomatic event: "the president visited Kyiv", "envoys spoke".
OFFICIAL_WORDS = words(
    "president minister envoy envoys secretary delegation delegations leader leaders chancellor king "
    "queen pope premier ambassador diplomats diplomat officials official counterpart foreign chief "
    "commander negotiators mediators"
)
#: People who are freed: "the hostages were freed", "freed 270 schoolgirls".
CAPTIVE_WORDS = words(
    "hostage hostages prisoner prisoners detainee detainees captive captives schoolgirls students "
    "journalist journalists activist activists crew sailors"
)
#: Subjects that make violence unrest: "rioters torched shops" is a riot, not an armed attack.
RIOTER_WORDS = words(
    "rioters rioter mob mobs protesters protestors demonstrators crowd crowds youths looters residents "
    "villagers supporters"
)
#: What road blockades block: "protesters blocked the highway" is a protest.
BLOCKED_WORDS = words(
    "road roads highway highways bridge bridges street streets traffic junction intersection railway "
    "entrance entrances access motorway"
)
#: What is thrown in unrest, not in an armed attack: "threw stones at police".
THROWN_IN_UNREST = words("stone stones rock rocks brick bricks bottles bottle eggs")
#: Weapons set off on the spot: "struck an IED", "hurled a grenade", "a car bomb went off".
BOMB_WORDS = words(
    "bomb bombs explosive explosives ied ieds grenade grenades landmine landmines mine mines device "
    "devices cocktail cocktails"
)
#: What is agreed or signed: "signed a peace deal", "agreed to a truce".
AGREEMENT_WORDS = words(
    "agreement agreements deal deals pact pacts accord accords truce truces ceasefire ceasefires "
    "cease-fire treaty treaties memorandum settlement armistice"
)
#: Weapons stopped before use: "seized a cache of rifles", "intercepted a truck carrying explosives".
WEAPON_WORDS = words(
    "weapon weapons arms rifle rifles gun guns pistol pistols ammunition rounds explosive explosives "
    "ied ieds detonators cache caches grenades mortar mortars launcher launchers"
)
#: Labour strikes, not air strikes: "a national strike", "a hunger strike", "called a strike".
LABOUR_STRIKE_WORDS = words(
    "national general nationwide hunger labour labor indefinite workers teachers doctors transport "
    "unions union strikers day-long week-long"
)
#: What a gathering is for when it is a protest: "gathered to denounce the coup".
PROTEST_PURPOSES = words(
    "denounce denouncing protest protesting demand demanding condemn condemning oppose opposing "
    "call calling chant chanting"
)
#: Who polices a protest and answers it: "police fired tear gas", "security forces dispersed them";
#: their force against protesters is coded as the protest's.
RESPONDERS = words("police policemen officers forces troops soldiers army security gendarmes gendarmerie")
#: Armed perpetrators: "gunmen killed a village chief" is an attack, though no weapon is named.
ARMED_ACTORS = words(
    "gunmen gunman militants militant attackers attacker assailants assailant rebels rebel insurgents "
    "insurgent jihadists jihadist fighters bandits terrorists terrorist militia militias militiamen "
    "troops soldiers forces police policemen officers army extremists kidnappers pirates "
    "separatists separatist gang gangs gangsters raiders"
)
#: Strikes from afar named as the subject of "hit": "shelling hit Rafah".
STRIKE_NOUNS = words("shelling shellings bombardment bombardments airstrike airstrikes strikes barrage")
PERSON_WORDS = words(
    "man men woman women people person civilians civilian soldier soldiers militant militants "
    "fighters fighter suspect suspects leader commander journalist reporter children child "
    "officer officers policeman member members aide activist activists rebels rebel crew sailors "
    "gunman gunmen protesters demonstrators students miners workers farmers villagers passengers "
    "traders fishermen herders hostages"
)
PLACE_NOUNS = words(
    "district districts neighbourhood neighborhood neighbourhoods neighborhoods province "
    "provinces city cities town towns village villages area areas region regions camp camps "
    "border coast port harbour harbor capital suburb suburbs outskirts countryside governorate "
    "county municipality state street streets road roads highway market square base airport "
    "compound zone valley hills mountains island islands sea strait gulf enclave territory home "
    "house residence plant site facility farm hotel office offices headquarters school hospital "
    "mosque church checkpoint crossing building buildings sector settlement settlements hamlet "
    "quarter locality embankment bank banks shore outskirts edge part parts side restaurant cafe "
    "shop store mall station prison stadium university campus"
)
#: Nouns of wars and operations: "the Mosul offensive" happened in Mosul.
EVENT_CONTEXT = words(
    "war conflict operation operations offensive campaign siege battle fighting clashes violence "
    "uprising insurgency crisis attack attacks bombing raid"
)
ACTOR_NOUNS = words(
    "forces force troops army military police authorities officials government soldiers navy air "
    "militants militia militias rebels fighters guards guard regime president minister ministry "
    "embassy ambassador leader leaders officers coalition security intelligence spokesman "
    "spokeswoman sources source media agency newspaper television radio news warplanes jets "
    "aircraft troop vessels"
)
LOC_PREPS = words(
    "in at near inside outside off across into on along around throughout within over onto "
    "outside of beside behind beyond between among towards toward through upon"
)
#: Verbs by which a relative clause says where its event happened: "the attack, which took place in X".
HAPPEN_VERBS = words(
    "happened happens occurred occurs took broke erupted erupts began started raged rages flared unfolded"
)
#: Verbs by which an event noun strikes a place: "explosions rocked Kabul", "a blast tore through X".
IMPACT_VERBS = words("rocked rocks rocking shook shakes shaking ripped rips tore tears tearing")
#: Verbs that take an event noun as their object and say where it was: "carried out an attack in X".
LIGHT_VERBS = words(
    "carried carry carries carrying conducted conduct conducts conducting launched launch launches "
    "launching staged stage stages staging mounted mount mounts mounting"
)
#: Subordinators of a clause that describes the scene at the time of the event.
AT_THE_TIME = words("as when while")
UNKNOWN_LOCATION = re.compile(
    r"\b(?:undisclosed|unknown|secret|unspecified|unidentified|unnamed)\s+(?:location|place|site|venue)s?\b"
    r"|\blocation\s+(?:was|is|has been)\s+not\s+(?:disclosed|revealed|known|given)",
    re.IGNORECASE,
)
#: "took him to an unknown location": where someone was taken, not where the event was.
_TAKEN_TO = re.compile(r"\b(?:to|towards|into)\s+(?:an?|some|the)\s+$", re.IGNORECASE)
#: "in an unspecified location in Yagha province": a spot unknown inside a named unit, which is the place.
_INSIDE = r"\s+(?:in|of|near|outside|around)\s+(?:the\s+)?"
_INSIDE_NAMED = re.compile(_INSIDE + "[A-Z]")
_UNKNOWN_INSIDE = re.compile(f"(?:{UNKNOWN_LOCATION.pattern}){_INSIDE}$", re.IGNORECASE)


def unknown_location(sentence: str) -> bool:
    """Whether a sentence says that where its event happened is not known or not told.

    Not when the unknown place is where someone was taken ("abducted a pharmacist from his home
    in Jasim and took him to an unknown location"), nor when it lies in a named unit ("in an
    unspecified location in Yagha province", as coders write it): there the text does place it.
    """
    for found in UNKNOWN_LOCATION.finditer(sentence):
        if _TAKEN_TO.search(sentence, max(0, found.start() - 12), found.start()):
            continue
        if _INSIDE_NAMED.match(sentence, found.end()):
            continue
        return True
    return False


def unknown_spot_in(text: str, place_start: int) -> bool:
    """Whether the place at ``place_start`` is told as the unit an unknown spot lies in: "in an
    unspecified location in Yagha province". Its point then stands for anywhere in it."""
    return _UNKNOWN_INSIDE.search(text, max(0, place_start - 60), place_start) is not None


#: Objects that make a trigger verb a figure of speech: "captured the silver", "struck a deal".
NON_EVENT_OBJECTS: dict[str, frozenset[str]] = {
    "capture": words(
        "silver gold bronze medal medals title titles pole position crown championship seat seats "
        "vote votes trophy cup lead heart hearts attention imagination share victory prize award mood "
        "spirit essence moment market"
    ),
    "strike": words("deal deals agreement agreements chord balance tone note pose compromise bargain"),
    "secure": words(
        "deal agreement release funding support loan majority seat seats votes win victory nomination "
        "place berth contract future title"
    ),
    "fire": words("coach manager employee employees staff worker workers him her them"),
    "meet": words("demand demands target targets requirement requirements deadline expectations needs"),
}
NON_EVENT_OBJECTS["seize"] = NON_EVENT_OBJECTS["capture"]
NON_EVENT_OBJECTS["take"] = NON_EVENT_OBJECTS["capture"]
NON_EVENT_MODIFIERS = words("heart panic asthma anxiety charm hunger")

#: "X came under shelling": the subject of "came under" is where the event hit.
COME_FORMS = words("come comes came coming")

#: What air defence brings down: "shot down 34 drones", "destroyed two missiles" is no attack on a place.
#: A manned aircraft shot down ("a passenger plane", "a helicopter") stays an attack: people were aboard.
INTERCEPTED_WORDS = words(
    "drone drones uav uavs missile missiles rocket rockets projectile projectiles shahed shaheds "
    "balloon balloons"
)
#: What a business, campaign or policy "targets": "targeting young voters". "Market" is read apart
#: (``geomap.incidents.senses._aimed_at_buyers``): "the Asian market" is commerce, "a market in Kharkiv"
#: a place.
MARKET_WORDS = words(
    "customer customers consumer consumers audience audiences voter voters buyer buyers "
    "shopper shoppers user users sales reader readers viewer viewers listener listeners investor "
    "investors demographic demographics segment segments clients client subscribers growth revenue "
    "revenues profit profits inflation emissions savings price prices"
)

#: Words that make "operation" military: "a military operation", "the ground operation".
MILITARY_WORDS = words(
    "military ground army air naval security counterterrorism counter-terrorism anti-terror "
    "antiterrorist special combat offensive rescue troops"
)
#: Verbs and nouns under which an event is only planned: "approved the plan for an operation".
PLAN_WORDS = words(
    "plan plans planned planning prepare prepares prepared preparing preparation preparations "
    "approve approves approved approving approval authorize authorizes authorized authorise authorised "
    "intend intends intended intention consider considers considered considering weigh weighs weighing "
    "mull mulls mulled ready readies readied scheme blueprint"
)
#: Verbs and nouns of threatening: "threatened to strike", "vowed to retaliate", "warned of an attack".
THREAT_WORDS = words(
    "threaten threatens threatened threatening threat threats vow vows vowed vowing warn warns warned "
    "warning pledge pledges pledged promise promises promised ultimatum"
)
#: Modal auxiliaries: "will" and "would" tell a plan, the others a possibility.
PLANNED_MODALS = words("will would shall 'll")
POSSIBLE_MODALS = words("could may might can must should")
#: Adjectives on an event noun that make it not (yet) real: "a possible assault", "the expected offensive".
PLANNED_ADJECTIVES = words("expected planned imminent upcoming looming anticipated proposed impending")
POSSIBLE_ADJECTIVES = words("possible potential likely feared probable threatened hypothetical")
#: Verbs that carry an event noun to a place without being events: "attacks would expand to Eilat".
SPREAD_VERBS = words(
    "expand expands expanded expanding spread spreads spreading extend extends extended reach"
)
