"""Deterministic benchmark corpus: Markdown patient-style articles and pseudo-translations.

Everything here is generated from the small word lists below with a seeded `random.Random`,
so the same seed always gives the same bytes (timings stay comparable between runs and
machines). The text is nonsense in plain-language shape: short sentences, numbers with units,
headings, nested lists, links, tables, emphasis, so that every extractor sees the constructs it
has to handle in real articles.

    python bench/corpus.py OUT_DIR [--articles 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
from pathlib import Path


def _list(words: str) -> tuple[str, ...]:
    return tuple(words.split())


NOUNS = _list(
    "arm back bandage bed blood body bone breath cheek chest clinic cough cream cuff day diet "
    "dose drink ear eye face family fever finger food foot friend hand head heart hospital "
    "illness joint kidney knee leg liver lung meal medicine mind mouth muscle nerve nose nurse "
    "pain patch pharmacist pill plan pressure rash rest result shoulder sign skin sleep spoon "
    "stomach sugar swelling symptom tablet test throat tooth treatment visit walk water week "
    "weight wound"
)
ADJECTIVES = _list(
    "active calm careful clean clear common daily dry early easy fresh gentle good healthy "
    "high light low mild new normal quiet regular safe short simple slow small soft strong "
    "sudden usual warm weak"
)
VERBS = _list(
    "ask avoid bring call change check clean cover drink eat feel find follow help keep "
    "learn lift measure move notice plan rest share sleep start stop take talk track treat "
    "try use wash watch write"
)
SUBJECTS = (
    "You",
    "Your doctor",
    "Your nurse",
    "Many people",
    "Your family",
    "The care team",
    "A pharmacist",
    "Most adults",
    "Some children",
    "We",
)
MODALS = ("can", "may", "should", "will", "might", "must")
TAILS = (
    "",
    " at home",
    " before each meal",
    " after you wake up",
    " every morning",
    " with a glass of water",
    " when you feel tired",
    " during the day",
    " at night",
    " before your next visit",
    " if it gets worse",
)
TIME_UNITS = ("minute", "hour", "day", "week", "month")
UNITS = ("mg", "mL", "g", "mcg", "units")
BRANDS = ("Zolvera", "Quantix", "Melorin", "Dextava", "Norvium", "Calipra")
STOP_WORDS = {"a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "is", "it"}


def _noun(rng: random.Random) -> str:
    return rng.choice(NOUNS)


def _object(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return f"the {rng.choice(ADJECTIVES)} {_noun(rng)}"
    if kind == 1:
        return f"your {_noun(rng)}"
    if kind == 2:
        return f"a {rng.choice(ADJECTIVES)} {_noun(rng)}"
    return f"the {_noun(rng)} and the {_noun(rng)}"


def _number_phrase(rng: random.Random, brand: str) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        dose = rng.choice(("2.5", "5", "10", "0.5", "20", "250", "1.25"))
        return f"Take {dose} {rng.choice(UNITS)} of {brand} {rng.choice(('once', 'twice'))} a day."
    if kind == 1:
        return f"Keep your blood pressure below {rng.randint(115, 140)}/{rng.randint(70, 90)} mmHg."
    if kind == 2:
        n = rng.randint(2, 45)
        return f"Rest for {n} {rng.choice(TIME_UNITS)}s after the {_noun(rng)} test."
    if kind == 3:
        return f"About {rng.randint(5, 95)}% of people {rng.choice(VERBS)} {_object(rng)}."
    amount = rng.choice(("1.5", "2", "250", "500"))
    return f"Drink {amount} {rng.choice(('L', 'mL'))} of water a day."


def sentence(rng: random.Random, brand: str) -> str:
    """One short plain-language sentence; about one in five carries a number with a unit."""
    if rng.random() < 0.2:
        return _number_phrase(rng, brand)
    if rng.random() < 0.15:
        who = rng.choice(("doctor", "nurse"))
        return f"If you {rng.choice(VERBS)} {_object(rng)}, call your {who}."
    subject, modal, verb = rng.choice(SUBJECTS), rng.choice(MODALS), rng.choice(VERBS)
    return f"{subject} {modal} {verb} {_object(rng)}{rng.choice(TAILS)}."


def _decorate(text: str, rng: random.Random, slug: str) -> str:
    """Add inline Markdown to a sentence: a link, bold or emphasis, now and then."""
    words = text.split(" ")
    if len(words) < 4:
        return text
    roll = rng.random()
    i = rng.randrange(1, len(words) - 2)
    if not (words[i].isalpha() and words[i + 1].isalpha()) or words[i + 1] in KEEP_WORDS:
        return text  # never wrap a number, a unit or a brand in markup
    if roll < 0.12:
        n = rng.randint(1, 99)
        words[i] = f"[{words[i]} {words[i + 1]}](https://example.org/{slug}/{n})"
        del words[i + 1]
    elif roll < 0.22:
        words[i] = f"**{words[i]}**"
    elif roll < 0.28:
        words[i] = f"*{words[i]}*"
    return " ".join(words)


def paragraph(rng: random.Random, brand: str, slug: str, sentences: int) -> str:
    return " ".join(_decorate(sentence(rng, brand), rng, slug) for _ in range(sentences))


def heading(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return f"What is {rng.choice(('a', 'the'))} {rng.choice(ADJECTIVES)} {_noun(rng)}?"
    if kind == 1:
        return f"How to {rng.choice(VERBS)} your {_noun(rng)}"
    if kind == 2:
        return f"{rng.choice(ADJECTIVES).capitalize()} {_noun(rng)} and {_noun(rng)}"
    return f"When to {rng.choice(VERBS)} {_object(rng)}"


def _list_item(rng: random.Random, brand: str) -> str:
    return sentence(rng, brand).rstrip(".")


def bullet_list(rng: random.Random, brand: str) -> str:
    lines = []
    for _ in range(rng.randint(3, 5)):
        lines.append(f"- {_list_item(rng, brand)}")
        if rng.random() < 0.3:
            for _ in range(rng.randint(2, 3)):
                lines.append(f"  - {_list_item(rng, brand)}")
    return "\n".join(lines)


def ordered_list(rng: random.Random, brand: str) -> str:
    lines = [f"{i}. {sentence(rng, brand)}" for i in range(1, rng.randint(3, 5) + 1)]
    if rng.random() < 0.4:
        lines.insert(2, f"   - {_list_item(rng, brand)}")
    return "\n".join(lines)


def table(rng: random.Random) -> str:
    rows = ["| What | How much | How often |", "| --- | --- | --- |"]
    for _ in range(rng.randint(3, 5)):
        what = f"{rng.choice(ADJECTIVES).capitalize()} {_noun(rng)}"
        how_much = f"{rng.choice(('0.5', '1', '2.5', '5', '10', '40'))} {rng.choice(UNITS)}"
        how_often = f"Every {rng.randint(2, 12)} {rng.choice(TIME_UNITS)}s"
        rows.append(f"| {what} | {how_much} | {how_often} |")
    return "\n".join(rows)


def _words(markdown: str) -> int:
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9.,/%]*", re.sub(r"\]\([^)]*\)", "]", markdown)))


def article(index: int, seed: int = 1, target_words: int = 600) -> tuple[str, str]:
    """Return (slug, Markdown text) of article `index`; the same arguments give the same bytes."""
    rng = random.Random(f"bench-corpus-{seed}-{index}")
    brand = rng.choice(BRANDS)
    slug = f"article-{index:04d}-{_noun(rng)}-{_noun(rng)}"
    title = f"{rng.choice(ADJECTIVES).capitalize()} care for your {_noun(rng)}"
    summary = sentence(rng, brand)
    front = (
        f"---\ntitle: {title}\nsummary: {summary}\n"
        f"reviewed: 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
        f"no_translate: [{brand}]\n---\n"
    )
    blocks = [paragraph(rng, brand, slug, rng.randint(3, 5))]
    words = _words(title) + _words(summary) + _words(blocks[0])
    made_table = False
    while words < target_words:
        section = [f"## {heading(rng)}", paragraph(rng, brand, slug, rng.randint(2, 5))]
        roll = rng.random()
        if not made_table and (roll < 0.3 or words > target_words * 0.6):
            section.append(table(rng))
            made_table = True
        elif roll < 0.6:
            section.append(bullet_list(rng, brand))
        elif roll < 0.8:
            section.append(ordered_list(rng, brand))
        if rng.random() < 0.35:
            section.insert(2, f"### {heading(rng)}")
        if rng.random() < 0.1:
            section.append(f"> {sentence(rng, brand)}")
        section.append(paragraph(rng, brand, slug, rng.randint(1, 3)))
        text = "\n\n".join(section)
        words += _words(text)
        blocks.append(text)
    return slug, front + "\n" + "\n\n".join(blocks) + "\n"


def write_corpus(folder: Path, articles: int = 200, seed: int = 1) -> list[Path]:
    """Write `articles` sources into `folder` (created); return their paths, sorted."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(articles):
        slug, text = article(index, seed)
        path = folder / f"{slug}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return sorted(paths)


def change_article(path: Path, seed: int = 1) -> None:
    """Edit a source the way an author does: one sentence reworded, one paragraph added."""
    rng = random.Random(f"bench-change-{seed}-{path.name}")
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n")
    paragraphs = body.split("\n\n")
    plain = [i for i, p in enumerate(paragraphs) if p and p[0].isalpha()]
    i = rng.choice(plain)
    paragraphs[i] = paragraphs[i] + " " + sentence(rng, "Zolvera")
    paragraphs.insert(i + 1, paragraph(rng, "Zolvera", path.stem, 2))
    path.write_text(head + sep + "\n\n".join(paragraphs), encoding="utf-8")


# -- pseudo-translation ---------------------------------------------------------------------

# Per locale: letter substitutions applied to some words, and endings appended to others, so
# the text has the look (accents, longer words) of the language without being a translation.
PSEUDO = {
    "es": ({"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú", "n": "ñ"}, ("o", "a", "es", "ión")),
    "fr": ({"e": "é", "a": "à", "i": "î", "o": "ô", "u": "û", "c": "ç"}, ("e", "ent", "eur", "é")),
    "de": ({"a": "ä", "o": "ö", "u": "ü", "s": "ß"}, ("en", "er", "ung", "lich")),
}
KEEP_WORDS = set(UNITS) | {"mmHg", "L", "mL"} | set(BRANDS)
# Spans that must survive verbatim: link targets, inline code, numbers (with their decimal
# point and slash), and Markdown punctuation are never words, so only [A-Za-z]+ is rewritten.
_PROTECTED = re.compile(r"\]\([^)]*\)|`[^`]*`|https?://\S+|[0-9][0-9.,/]*")
_WORD = re.compile(r"[A-Za-z]+")


def _pseudo_word(word: str, locale: str) -> str:
    if word in KEEP_WORDS:
        return word
    digest = hashlib.sha1(f"{locale}:{word.lower()}".encode()).digest()
    letters, endings = PSEUDO[locale]
    out = word.lower()
    for src, dst in letters.items():
        if digest[ord(src) % len(digest)] % 3 == 0 and src in out:
            out = out.replace(src, dst, 1)
    if len(word) > 2:
        out += endings[digest[0] % len(endings)]
    return out.capitalize() if word[0].isupper() else out


# The words that carry meaning the QA checks compare (frequency and count words, time units,
# comparators, before/after, times of day) are translated for real, with the target
# language's words from toolkit/data/qa/<locale>.toml and CLDR's unit names, so that a
# pseudo-translation says what its source says and the meaning checks find nothing in it.
# English phrase -> (es, fr, de); longest phrases are tried first.
MEANING_WORDS: dict[str, tuple[str, str, str]] = {
    "once a day": ("una vez al día", "une fois par jour", "einmal täglich"),
    "twice a day": ("dos veces al día", "deux fois par jour", "zweimal täglich"),
    "once": ("una vez", "une fois", "einmal"),
    "twice": ("dos veces", "deux fois", "zweimal"),
    "a day": ("al día", "par jour", "am Tag"),
    "daily": ("diario", "quotidien", "täglich"),
    "every": ("cada", "toutes les", "alle"),
    "below": ("por debajo de", "en dessous de", "unter"),
    "before": ("antes de", "avant", "vor"),
    "after": ("después de", "après", "nach"),
    "minute": ("minuto", "minute", "Minute"),
    "minutes": ("minutos", "minutes", "Minuten"),
    "hour": ("hora", "heure", "Stunde"),
    "hours": ("horas", "heures", "Stunden"),
    "day": ("día", "jour", "Tag"),
    "days": ("días", "jours", "Tage"),
    "week": ("semana", "semaine", "Woche"),
    "weeks": ("semanas", "semaines", "Wochen"),
    "month": ("mes", "mois", "Monat"),
    "months": ("meses", "mois", "Monate"),
    "morning": ("mañana", "matin", "Morgen"),
    "at night": ("por la noche", "la nuit", "nachts"),
    "night": ("noche", "nuit", "Nacht"),
    "bed": ("cama", "lit", "Bett"),
}
_MEANING_LOCALES = ("es", "fr", "de")
_MEANING = re.compile(
    r"(?<![A-Za-z])("
    + "|".join(
        r"\s+".join(map(re.escape, phrase.split()))
        for phrase in sorted(MEANING_WORDS, key=len, reverse=True)
    )
    + r")(?![A-Za-z])",
    re.IGNORECASE,
)


def _meaning_word(match: re.Match[str], locale: str) -> str:
    written = match.group()
    if locale not in _MEANING_LOCALES:  # no word list for it: the English words stay as written
        return written
    translated = MEANING_WORDS[" ".join(written.lower().split())][_MEANING_LOCALES.index(locale)]
    return translated[0].upper() + translated[1:] if written[0].isupper() else translated


def _pseudo_text(text: str, locale: str) -> str:
    """Unprotected text: meaning words translated, every other word a pseudo-word."""
    out, pos = [], 0
    for match in _MEANING.finditer(text):
        out.append(_WORD.sub(lambda m: _pseudo_word(m.group(), locale), text[pos : match.start()]))
        out.append(_meaning_word(match, locale))
        pos = match.end()
    out.append(_WORD.sub(lambda m: _pseudo_word(m.group(), locale), text[pos:]))
    return "".join(out)


def pseudo_translate(text: str, locale: str) -> str:
    """`text` with every word replaced by a pseudo-word but the meaning words (translated);
    numbers, URLs and markup kept."""
    out, pos = [], 0
    for match in _PROTECTED.finditer(text):
        out.append(_pseudo_text(text[pos : match.start()], locale))
        out.append(match.group())
        pos = match.end()
    out.append(_pseudo_text(text[pos:], locale))
    return "".join(out)


def pseudo_catalogs(templates: Path, locales_dir: Path, locales: list[str]) -> int:
    """Write fully translated `<locale>/LC_MESSAGES/<slug>.po` for every template; entries."""
    import polib  # the project's dependency; imported here so the generator runs without it

    count = 0
    for locale in locales:
        out_dir = locales_dir / locale / "LC_MESSAGES"
        out_dir.mkdir(parents=True, exist_ok=True)
        for pot in sorted(templates.glob("*.pot")):
            catalog = polib.pofile(str(pot), wrapwidth=76)
            catalog.metadata["Language"] = locale
            catalog.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
            for entry in catalog:
                entry.msgstr = pseudo_translate(entry.msgid, locale)
                entry.flags = [f for f in entry.flags if f != "fuzzy"]
                count += 1
            catalog.save(str(out_dir / f"{pot.stem}.po"))
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder for the .md files")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    paths = write_corpus(args.out, args.articles, args.seed)
    words = sum(_words(p.read_text(encoding="utf-8")) for p in paths)
    each = words / len(paths)
    print(f"{len(paths)} articles, {words} words ({each:.0f} an article) in {args.out}")


if __name__ == "__main__":
    main()
