"""Meaning checks in Polish, Turkish, Dutch, Japanese, Persian and Haitian Creole: a planted
change of meaning (a dropped or added negation, once -> twice, a day -> a week,
minutes -> hours, under -> over, before -> after, a swapped reading or dose) blocks
publishing; correct variations (reordered sentences, numbers in words, native digits, unit
names, words that look like a negation but are none) stay publishable.

Every translation here was written by hand from the English, from dictionaries and the
grammars cited in docs/checks.md; none is produced by the code under test.
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from toolkit.checks import CHECKS, entry_findings
from toolkit.cli import main
from toolkit.models import Entry
from toolkit.project import Project

FILE = "locales/xx/LC_MESSAGES/x.po"
NEW_LOCALES = ("pl", "tr", "nl", "ja", "fa", "ht")


def found(msgid: str, msgstr: str, locale: str):
    entry = Entry(msgid, msgstr, None, False, 42, "paragraph", 7, ())
    return entry_findings(entry, locale=locale, file=FILE)


def errors(msgid: str, msgstr: str, locale: str) -> list[str]:
    return [f.check for f in found(msgid, msgstr, locale) if f.severity == "error"]


AGAIN = "Take it once a day. If you vomit, take it again."
# (check, locale, source, correct translation, translation with one planted defect)
MEANING = [
    # --- Polish: "nie" is a word of its own before the verb; nouns and numerals inflect
    ("negation", "pl", "Do not stop taking it.", "Nie przerywaj przyjmowania leku.",
     "Przerwij przyjmowanie leku."),
    ("negation", "pl", "Never take two doses.", "Nigdy nie bierz dwóch dawek.",
     "Weź dwie dawki."),
    ("negation", "pl", "Take it with food.", "Przyjmuj go z jedzeniem.",
     "Nie przyjmuj go z jedzeniem."),
    ("frequency", "pl", "Take it once a day.", "Przyjmuj go raz dziennie.",
     "Przyjmuj go dwa razy dziennie."),
    ("frequency", "pl", "Take it twice a day.", "Przyjmuj go dwa razy dziennie.",
     "Przyjmuj go raz dziennie."),
    ("frequency", "pl", "Take it 3 times a day.", "Przyjmuj go 3 razy dziennie.",
     "Przyjmuj go 3 razy w tygodniu."),
    ("units", "pl", "Wait 5 minutes.", "Odczekaj 5 minut.", "Odczekaj 5 godzin."),
    ("units", "pl", "Use it for 7 days.", "Stosuj go przez 7 dni.", "Stosuj go przez 7 tygodni."),
    ("comparison", "pl", "Keep it below 120/80.", "Utrzymuj je poniżej 120/80.",
     "Utrzymuj je powyżej 120/80."),
    ("comparison", "pl", "Drink at least 2 L.", "Pij co najmniej 2 L.", "Pij co najwyżej 2 L."),
    ("comparison", "pl", "Take it before meals.", "Przyjmuj go przed posiłkami.",
     "Przyjmuj go po posiłkach."),
    ("order", "pl", "Normal is 120/80.", "Prawidłowe ciśnienie to 120/80.",
     "Prawidłowe ciśnienie to 80/120."),
    ("order", "pl", "Take 1 tablet in the morning and 2 at night.",
     "Przyjmij 1 tabletkę rano i 2 wieczorem.", "Przyjmij 2 tabletki rano i 1 wieczorem."),
    ("sentences", "pl", "Sit down. Rest your arm on the table.",
     "Usiądź. Połóż rękę na stole.", "Usiądź i połóż rękę na stole."),
    # --- Turkish: the negation is a suffix of the verb (-ma/-me + person ending)
    ("negation", "tr", "Do not stop taking it.", "İlacı almayı bırakmayın.",
     "İlacı almayı bırakın."),
    ("negation", "tr", "Do not stop taking it.", "İlacı almayı bırakmayınız.",
     "İlacı almayı bırakınız."),
    ("negation", "tr", "You must not drive.", "Araç kullanmamalısınız.", "Araç kullanmalısınız."),
    ("negation", "tr", "It does not work at once.", "Hemen etki etmez.", "Hemen etki eder."),
    ("negation", "tr", "Take it with food.", "Yemekle birlikte alın.", "Yemekle birlikte almayın."),
    ("negation", "tr", "This is not a cure.", "Bu bir tedavi değildir.", "Bu bir tedavidir."),
    ("frequency", "tr", "Take it once a day.", "Günde bir kez alın.", "Günde iki kez alın."),
    ("frequency", "tr", "Take it twice a day.", "Günde 2 kez alın.", "Günde 1 kez alın."),
    ("frequency", "tr", "Take it 3 times a day.", "Günde 3 kez alın.", "Haftada 3 kez alın."),
    ("units", "tr", "Wait 5 minutes.", "5 dakika bekleyin.", "5 saat bekleyin."),
    ("units", "tr", "Use it for 7 days.", "7 gün boyunca kullanın.", "7 hafta boyunca kullanın."),
    ("comparison", "tr", "Keep it below 120/80.", "120/80'in altında tutun.",
     "120/80'in üzerinde tutun."),
    ("comparison", "tr", "Drink at least 2 L.", "En az 2 L için.", "En fazla 2 L için."),
    ("comparison", "tr", "Take it before meals.", "Yemeklerden önce alın.",
     "Yemeklerden sonra alın."),
    ("order", "tr", "Normal is 120/80.", "Normal değer 120/80'dir.", "Normal değer 80/120'dir."),
    ("order", "tr", "Take 1 tablet in the morning and 2 at night.",
     "Sabah 1 tablet, akşam 2 tablet alın.", "Sabah 2 tablet, akşam 1 tablet alın."),
    ("sentences", "tr", "Sit down. Rest your arm on the table.",
     "Oturun. Kolunuzu masaya koyun.", "Oturun ve kolunuzu masaya koyun."),
    # --- Dutch
    ("negation", "nl", "Do not stop taking it.", "Stop niet met het innemen.",
     "Stop met het innemen."),
    ("negation", "nl", "Never drink alcohol with it.", "Drink er nooit alcohol bij.",
     "Drink er alcohol bij."),
    ("negation", "nl", "Take it with food.", "Neem het in met voedsel.",
     "Neem het niet in met voedsel."),
    ("frequency", "nl", "Take it once a day.", "Neem het één keer per dag in.",
     "Neem het twee keer per dag in."),
    ("frequency", "nl", "Take it twice a day.", "Neem het tweemaal daags in.",
     "Neem het eenmaal daags in."),
    ("frequency", "nl", "Take it 3 times a day.", "Neem het 3 keer per dag in.",
     "Neem het 3 keer per week in."),
    ("units", "nl", "Wait 5 minutes.", "Wacht 5 minuten.", "Wacht 5 uur."),
    ("units", "nl", "Use it for 7 days.", "Gebruik het 7 dagen.", "Gebruik het 7 weken."),
    ("comparison", "nl", "Keep it below 120/80.", "Houd hem onder 120/80.",
     "Houd hem boven 120/80."),
    ("comparison", "nl", "Drink at least 2 L.", "Drink minstens 2 L.", "Drink hoogstens 2 L."),
    ("comparison", "nl", "Take it before meals.", "Neem het in voor de maaltijd.",
     "Neem het in na de maaltijd."),
    ("order", "nl", "Normal is 120/80.", "Normaal is 120/80.", "Normaal is 80/120."),
    ("order", "nl", "Take 1 tablet in the morning and 2 at night.",
     "Neem 1 tablet 's ochtends en 2 's avonds.", "Neem 2 tabletten 's ochtends en 1 's avonds."),
    ("sentences", "nl", "Sit down. Rest your arm on the table.",
     "Ga zitten. Leg uw arm op tafel.", "Ga zitten en leg uw arm op tafel."),
    # --- Japanese: no spaces; negation in the verb ending (ない, ません, ないでください)
    ("negation", "ja", "Do not stop taking it.", "服用をやめないでください。", "服用をやめてください。"),
    ("negation", "ja", "You must not drive.", "車を運転してはいけません。", "車を運転してもいいです。"),
    ("negation", "ja", "It does not work at once.", "すぐには効きません。", "すぐに効きます。"),
    ("negation", "ja", "Take it with food.", "食事と一緒に服用してください。",
     "食事と一緒に服用しないでください。"),
    ("frequency", "ja", "Take it once a day.", "1日1回服用してください。", "1日2回服用してください。"),
    ("frequency", "ja", "Take it twice a day.", "一日二回服用してください。", "一日一回服用してください。"),
    ("frequency", "ja", "Take it 3 times a day.", "毎日3回服用してください。", "毎週3回服用してください。"),
    ("units", "ja", "Wait 5 minutes.", "5分待ってください。", "5時間待ってください。"),
    ("units", "ja", "Use it for 7 days.", "7日間使用してください。", "7週間使用してください。"),
    ("comparison", "ja", "Keep it below 120/80.", "120/80未満に保ってください。",
     "120/80以上に保ってください。"),
    ("comparison", "ja", "Drink at least 2 L.", "少なくとも2 L飲んでください。", "最大2 L飲んでください。"),
    ("comparison", "ja", "Take it before meals.", "食前に服用してください。", "食後に服用してください。"),
    ("order", "ja", "Normal is 120/80.", "正常値は120/80です。", "正常値は80/120です。"),
    ("order", "ja", "Take 1 tablet in the morning and 2 at night.",
     "朝に1錠、夜に2錠服用してください。", "朝に2錠、夜に1錠服用してください。"),
    ("sentences", "ja", "Sit down. Rest your arm on the table.",
     "座ってください。腕をテーブルに置いてください。", "座って、腕をテーブルに置いてください。"),
    # --- Persian: the prefix ن on the verb, نمی‌ (with a zero-width non-joiner), Persian digits
    ("negation", "fa", "Do not stop taking it.", "مصرف دارو را قطع نکنید.",
     "مصرف دارو را قطع کنید."),
    ("negation", "fa", "You cannot drive.", "نمی‌توانید رانندگی کنید.", "می‌توانید رانندگی کنید."),
    ("negation", "fa", "You must not drink alcohol.", "نباید الکل بنوشید.", "باید الکل بنوشید."),
    ("negation", "fa", "Take it with food.", "آن را با غذا بخورید.", "آن را با غذا نخورید."),
    ("frequency", "fa", "Take it once a day.", "روزی یک بار مصرف کنید.", "روزی دو بار مصرف کنید."),
    ("frequency", "fa", "Take it twice a day.", "روزی ۲ بار مصرف کنید.", "روزی ۱ بار مصرف کنید."),
    ("frequency", "fa", "Take it 3 times a day.", "۳ بار در روز مصرف کنید.",
     "۳ بار در هفته مصرف کنید."),
    ("units", "fa", "Wait 5 minutes.", "۵ دقیقه صبر کنید.", "۵ ساعت صبر کنید."),
    ("units", "fa", "Use it for 7 days.", "آن را ۷ روز مصرف کنید.", "آن را ۷ هفته مصرف کنید."),
    ("comparison", "fa", "Keep it below 120/80.", "آن را زیر ۱۲۰/۸۰ نگه دارید.",
     "آن را بالای ۱۲۰/۸۰ نگه دارید."),
    ("comparison", "fa", "Drink at least 2 L.", "حداقل ۲ L بنوشید.", "حداکثر ۲ L بنوشید."),
    ("comparison", "fa", "Take it before meals.", "آن را قبل از غذا بخورید.",
     "آن را بعد از غذا بخورید."),
    ("order", "fa", "Normal is 120/80.", "فشار طبیعی ۱۲۰/۸۰ است.", "فشار طبیعی ۸۰/۱۲۰ است."),
    ("order", "fa", "Take 1 tablet in the morning and 2 at night.",
     "صبح ۱ قرص و شب ۲ قرص بخورید.", "صبح ۲ قرص و شب ۱ قرص بخورید."),
    ("sentences", "fa", "Sit down. Rest your arm on the table.",
     "بنشینید. دستتان را روی میز بگذارید.", "بنشینید و دستتان را روی میز بگذارید."),
    # --- Haitian Creole: "pa" before the verb; "pa" is also "per" (de fwa pa jou)
    ("negation", "ht", "Do not stop taking it.", "Pa sispann pran l.", "Sispann pran l."),
    ("negation", "ht", "Never give aspirin to children.", "Pa janm bay timoun aspirin.", "Bay timoun aspirin."),
    ("negation", "ht", "Take it with food.", "Pran l ak manje.", "Pa pran l ak manje."),
    ("frequency", "ht", "Take it once a day.", "Pran l yon fwa pa jou.", "Pran l de fwa pa jou."),
    ("frequency", "ht", "Take it twice a day.", "Pran l de fwa pa jou.", "Pran l yon fwa pa jou."),
    ("frequency", "ht", "Take it 3 times a day.", "Pran l 3 fwa pa jou.", "Pran l 3 fwa pa semèn."),
    ("units", "ht", "Wait 5 minutes.", "Tann 5 minit.", "Tann 5 èdtan."),
    ("units", "ht", "Use it for 7 days.", "Sèvi ak li pandan 7 jou.", "Sèvi ak li pandan 7 semèn."),
    ("comparison", "ht", "Keep it below 120/80.", "Kenbe l anba 120/80.", "Kenbe l anwo 120/80."),
    ("comparison", "ht", "Drink at least 2 L.", "Bwè omwen 2 L.", "Bwè omaksimòm 2 L."),
    ("comparison", "ht", "Take it before meals.", "Pran l anvan ou manje.", "Pran l apre ou manje."),
    ("order", "ht", "Normal is 120/80.", "Nòmal la se 120/80.", "Nòmal la se 80/120."),
    ("order", "ht", "Take 1 tablet in the morning and 2 at night.", "Pran 1 grenn nan maten ak 2 nan aswè.", "Pran 2 grenn nan maten ak 1 nan aswè."),
    ("sentences", "ht", "Sit down. Rest your arm on the table.", "Chita. Mete bra ou sou tab la.", "Chita epi mete bra ou sou tab la."),
    # --- Traditional Chinese (zh_TW reads zh_Hant): 別, 沒有, 兩, 後, 週
    ("negation", "zh_TW", "Do not stop taking it.", "別停止服用。", "停止服用。"),
    ("negation", "zh_TW", "You have not eaten.", "您沒有吃東西。", "您吃了東西。"),
    ("frequency", "zh_TW", "Take it twice a day.", "每天服用兩次。", "每天服用一次。"),
    ("frequency", "zh_TW", "Take it 3 times a day.", "每天服用3次。", "每週服用3次。"),
    ("units", "zh_TW", "Wait 5 minutes.", "等待5分鐘。", "等待5小時。"),
    ("comparison", "zh_TW", "Keep it below 120/80.", "保持在120/80以下。", "保持在120/80以上。"),
    ("comparison", "zh_TW", "Take it before meals.", "飯前服用。", "飯後服用。"),
    ("order", "zh_TW", "Take 1 tablet in the morning and 2 at night.",
     "早上服用1顆，晚上服用2顆。", "早上服用2顆，晚上服用1顆。"),
    ("sentences", "zh_TW", "Sit down. Rest your arm on the table.",
     "坐下。把手臂放在桌子上。", "坐下，把手臂放在桌子上。"),
    # "again" is no count, but the count beside it still is
    ("frequency", "pl", AGAIN, "Przyjmuj raz dziennie. Jeśli zwymiotujesz, przyjmij jeszcze raz.",
     "Przyjmuj dwa razy dziennie. Jeśli zwymiotujesz, przyjmij jeszcze raz."),
    ("frequency", "ja", AGAIN, "1日1回服用してください。吐いた場合は、もう一度服用してください。",
     "1日2回服用してください。吐いた場合は、もう一度服用してください。"),
    ("frequency", "ru", "Take it twice a day.", "Принимайте два раза в день.",
     "Принимайте раз в день."),
    ("frequency", "ru", "Take it 5 times a day.", "Принимайте пять раз в день.",
     "Принимайте шесть раз в день."),
    # "no more than" is a comparator: worded without a negation it is still compared
    ("comparison", "pl", "Drink no more than 2 L.", "Pij co najwyżej 2 L.", "Pij więcej niż 2 L."),
    ("comparison", "tr", "Drink no more than 2 L.", "En fazla 2 L için.", "En az 2 L için."),
]  # fmt: skip
IDS = [f"{m[0]}-{m[1]}-{i}" for i, m in enumerate(MEANING)]


@pytest.mark.parametrize(("check", "locale", "source", "good", "bad"), MEANING, ids=IDS)
def test_planted_meaning_defect_is_an_error(check, locale, source, good, bad):
    assert check in errors(source, bad, locale), [f.message for f in found(source, bad, locale)]
    assert CHECKS[check] == "error"


@pytest.mark.parametrize(("check", "locale", "source", "good", "bad"), MEANING, ids=IDS)
def test_its_correct_translation_has_no_error(check, locale, source, good, bad):
    assert errors(source, good, locale) == [], [f.message for f in found(source, good, locale)]


def test_every_meaning_class_is_planted_in_every_new_locale():
    for check in ("negation", "frequency", "units", "comparison", "order", "sentences"):
        assert {m[1] for m in MEANING if m[0] == check} >= {*NEW_LOCALES, "zh_TW"}, check


# (locale, source, translation): correct variations that stay publishable
CLEAN = [
    # Polish: inflected numerals, "raz" for once, reordered, "nie" inside a word is none
    ("pl", "Take it twice a day.", "Przyjmuj go dwukrotnie w ciągu dnia."),
    ("pl", "Take it once a day.", "Przyjmuj go jeden raz dziennie."),
    ("pl", "Take it 3 times a day.", "Przyjmuj go trzy razy dziennie."),
    ("pl", "Take 2 tablets.", "Przyjmij dwie tabletki."),
    ("pl", "Take two readings.", "Wykonaj 2 pomiary."),
    ("pl", "Wait 5 minutes.", "Odczekaj pięć minut."),
    ("pl", "Take 1 tablet in the morning and 2 at night.",
     "Wieczorem przyjmij 2 tabletki, a rano 1."),
    ("pl", "This is dangerous.", "To jest niebezpieczne."),
    ("pl", "Sit still.", "Siedź bez ruchu."),
    ("pl", "Normal is under 120/80 mm Hg.", "Prawidłowe jest poniżej 120/80 mmHg."),
    ("pl", "About 20% of people.", "Około 20 procent osób."),
    ("pl", "Take it before meals, 2 tablets each time.", "Przed posiłkami przyjmuj po 2 tabletki."),
    # Turkish: spelled numbers, suffixed nouns, words ending like a negation but none
    ("tr", "Take it twice a day.", "Günde iki kez alın."),
    ("tr", "Take 2 tablets.", "İki tablet alın."),
    ("tr", "Take it 3 times a day.", "Günde üç defa alın."),
    ("tr", "Wait 5 minutes.", "Beş dakika bekleyin."),
    ("tr", "Take 1 tablet in the morning and 2 at night.", "Akşam 2 tablet, sabah 1 tablet alın."),
    ("tr", "About 20% of people.", "İnsanların yaklaşık yüzde 20'si."),
    ("tr", "About 20% of people.", "İnsanların yaklaşık %20'si."),
    ("tr", "Start taking it today.", "Bugün almaya başlayın."),
    ("tr", "Remember to take it.", "Almayı hatırlayın."),
    ("tr", "Take it at bedtime.", "Yatmadan önce alın."),
    ("tr", "Wait 5 minutes before eating.", "Yemek yemeden önce 5 dakika bekleyin."),
    ("tr", "Keep it below 120/80 mmHg.", "120/80 mmHg'nin altında tutun."),
    ("tr", "Use it for 7 days.", "7 günde bitirin."),
    ("tr", "Did you ever faint?", "Hiç bayıldınız mı?"),
    ("tr", "Drink at least 2 L.", "En azından 2 L için."),
    # Dutch
    ("nl", "Take it twice a day.", "Neem het twee keer per dag in."),
    ("nl", "Take it once a day.", "Neem het eenmaal daags in."),
    ("nl", "Take 2 tablets.", "Neem twee tabletten in."),
    ("nl", "Take it 3 times a day.", "Neem het drie keer per dag in."),
    ("nl", "Wait 5 minutes.", "Wacht vijf minuten."),
    ("nl", "Take 1 tablet in the morning and 2 at night.", "'s Avonds 2 tabletten en 's ochtends 1."),
    ("nl", "About 20% of people.", "Ongeveer 20 procent van de mensen."),
    ("nl", "Before meals, take it with water.", "Neem het met water in voor het eten."),
    ("nl", "Sit still.", "Blijf zitten zonder te bewegen."),
    ("nl", "Normal is under 120/80 mm Hg.", "Normaal is lager dan 120/80 mmHg."),
    # Japanese: the 1 of 1日 (a day), full-width digits, kanji numbers, ない that is no "not"
    ("ja", "Take it twice a day.", "1日2回服用してください。"),
    ("ja", "Take it twice a day.", "１日２回服用してください。"),
    ("ja", "Take it once a week.", "1週間に1回服用してください。"),
    ("ja", "Wait 1 day.", "1日待ってください。"),
    ("ja", "Take 2 tablets.", "二錠服用してください。"),
    ("ja", "Take 2 tablets.", "２錠服用してください。"),
    ("ja", "Take 1 tablet in the morning and 2 at night.", "夜に2錠、朝に1錠服用してください。"),
    ("ja", "Take it 3 times a day.", "毎日三回服用してください。"),
    ("ja", "Eat a small amount.", "少ない量を食べてください。"),
    ("ja", "Take 2 to 3 tablets.", "2ないし3錠服用してください。"),
    ("ja", "You must take it every day.", "毎日飲まなければなりません。"),
    ("ja", "It is fine to take it with milk.", "牛乳と一緒に飲んでも構いません。"),
    ("ja", "About 20% of people.", "約20%の人。"),
    ("ja", "About 20% of people.", "約20パーセントの人。"),
    ("ja", "Normal is under 120/80 mmHg.", "正常値は120/80 mmHg未満です。"),
    ("ja", "Do not eat for 2 hours before your dose.", "服用前の2時間は何も食べないでください。"),
    # Persian: Persian digits and decimal sign, numbers in words, reordered, joined نمی
    ("fa", "Take it twice a day.", "روزی دو بار مصرف کنید."),
    ("fa", "Take it twice a day.", "دو بار در روز مصرف کنید."),
    ("fa", "Take 2 tablets.", "دو قرص بخورید."),
    ("fa", "Take 2.5 mg.", "۲٫۵ میلی‌گرم بخورید."),
    ("fa", "Take 1 tablet in the morning and 2 at night.", "شب ۲ قرص و صبح ۱ قرص بخورید."),
    ("fa", "Take it 3 times a day.", "روزی سه بار مصرف کنید."),
    ("fa", "Wait 5 minutes.", "پنج دقیقه صبر کنید."),
    ("fa", "About 20% of people.", "حدود ۲۰ درصد مردم."),
    ("fa", "Normal is under 120/80 mmHg.", "فشار طبیعی کمتر از ۱۲۰/۸۰ میلی‌متر جیوه است."),
    ("fa", "You cannot drive.", "نمیتوانید رانندگی کنید."),
    # Haitian Creole
    ("ht", "Take it twice a day.", "Pran l de fwa chak jou."),
    ("ht", "Take 2 tablets.", "Pran de grenn."),
    ("ht", "Take 1 tablet in the morning and 2 at night.", "Nan aswè pran 2 grenn, nan maten 1."),
    ("ht", "Wait 5 minutes.", "Tann senk minit."),
    ("ht", "About 20% of people.", "Anviwon 20 pousan moun."),
    ("ht", "Sit still.", "Chita san ou pa bouje."),
    ("ht", "Take it 3 times a day.", "Pran l twa fwa pa jou."),
    ("ht", "For example, walk every day.", "Pa egzanp, mache chak jou."),
    ("ht", "Call 911 now.", "Rele 9-1-1 kounye a."),
    # Traditional Chinese: 兩, 點 and 萬 are numerals too
    ("zh_TW", "Take 2 tablets.", "服用兩顆。"),
    ("zh_Hant", "Take 2.5 mg.", "服用二點五毫克。"),
    ("zh_HK", "About 10000 people.", "大約一萬人。"),
    ("zh_TW", "Take it 3 times a week.", "每週服用3次。"),
    # "again" written with a count word (jeszcze raz, nog een keer, bir kez daha, もう一度)
    ("pl", AGAIN, "Przyjmuj raz dziennie. Jeśli zwymiotujesz, przyjmij jeszcze raz."),
    ("nl", AGAIN, "Neem het één keer per dag in. Als u overgeeft, neem het nog een keer in."),
    ("tr", AGAIN, "Günde bir kez alın. Kusarsanız bir kez daha alın."),
    ("fa", AGAIN, "روزی یک بار مصرف کنید. اگر استفراغ کردید، یک بار دیگر مصرف کنید."),
    ("ja", AGAIN, "1日1回服用してください。吐いた場合は、もう一度服用してください。"),
    ("ht", AGAIN, "Pran l yon fwa pa jou. Si ou vomi, pran l yon lòt fwa ankò."),
    # Russian "раз" without "один" is once ("раз в день"); "пять раз" is 5, not 5 and 1
    ("ru", "Take it once a day.", "Принимайте раз в день."),
    ("ru", "Take it once a day.", "Принимайте один раз в день."),
    ("ru", "Take it 5 times a day.", "Принимайте пять раз в день."),
    ("ru", "Take it 5 times a day.", "Принимайте 5 раз в день."),
    ("ru", AGAIN, "Принимайте раз в день. Если вас вырвало, примите ещё раз."),
    ("ru", "Take it several times a day.", "Принимайте несколько раз в день."),
    # "no more than" worded as "at most", with or without a negation
    ("pl", "Drink no more than 2 L.", "Pij co najwyżej 2 L."),
    ("pl", "Drink no more than 2 L.", "Pij nie więcej niż 2 L."),
    ("tr", "Drink no more than 2 L.", "En fazla 2 L için."),
    ("ja", "Drink no more than 2 L.", "最大2 L飲んでください。"),
    ("fa", "Drink no more than 2 L.", "حداکثر ۲ L بنوشید."),
    ("nl", "Drink no more than 2 L.", "Drink hoogstens 2 L."),
    ("nl", "Drink no more than 2 L.", "Drink niet meer dan 2 L."),
    ("es", "Drink no more than 2 L.", "Beba como máximo 2 L."),
    ("de", "Drink no more than 2 L.", "Trinken Sie höchstens 2 L."),
]  # fmt: skip


@pytest.mark.parametrize(("locale", "source", "translation"), CLEAN)
def test_correct_variation_stays_publishable(locale, source, translation):
    assert errors(source, translation, locale) == [], [
        f.message for f in found(source, translation, locale)
    ]


def test_every_new_locale_has_clean_variations():
    assert {c[0] for c in CLEAN} >= set(NEW_LOCALES)


def test_the_finding_names_the_concept_in_a_suffix_language():
    [finding] = found("Do not stop taking it.", "İlacı almayı bırakın.", "tr")
    assert finding.check == "negation" and finding.severity == "error"
    assert "the translation has no negation" in finding.message


# --- publishing: the small project in Polish, Turkish and Japanese ---------------------------

ARTICLE = {  # the conftest article's msgids, translated by hand
    "pl": {
        "Taking your blood pressure at home": "Pomiar ciśnienia krwi w domu",
        "How to measure your blood pressure and what the numbers mean.": (
            "Jak mierzyć ciśnienie krwi i co oznaczają wyniki."
        ),
        "Why measure at home": "Dlaczego warto mierzyć w domu",
        "Your nurse may ask you to check your blood pressure **twice a day**.": (
            "Pielęgniarka może poprosić, aby mierzyć ciśnienie **dwa razy dziennie**."
        ),
        "What you need": "Czego potrzebujesz",
        "A cuff that fits your arm": "Mankiet dopasowany do ramienia",
        "A notebook, or the [record sheet](https://example.org/sheet.pdf)": (
            "Notes lub [arkusz pomiarów](https://example.org/sheet.pdf)"
        ),
        "Write the date": "Zapisz datę",
        "Write both numbers": "Zapisz obie liczby",
        "Reading": "Pomiar",
        "What it means": "Co to oznacza",
        "Normal": "Prawidłowe",
        "High": "Wysokie",
        "Call 911 if you have chest pain.": "Zadzwoń pod 911, jeśli boli cię w klatce piersiowej.",
        "Take 2.5 mg of the tablet with water.": "Przyjmij 2,5 mg tabletki z wodą.",
    },
    "tr": {
        "Taking your blood pressure at home": "Evde tansiyon ölçümü",
        "How to measure your blood pressure and what the numbers mean.": (
            "Tansiyonunuzu nasıl ölçeceğiniz ve sayıların ne anlama geldiği."
        ),
        "Why measure at home": "Neden evde ölçmeli",
        "Your nurse may ask you to check your blood pressure **twice a day**.": (
            "Hemşireniz tansiyonunuzu **günde iki kez** ölçmenizi isteyebilir."
        ),
        "What you need": "Neye ihtiyacınız var",
        "A cuff that fits your arm": "Kolunuza uyan bir manşon",
        "A notebook, or the [record sheet](https://example.org/sheet.pdf)": (
            "Bir defter veya [kayıt formu](https://example.org/sheet.pdf)"
        ),
        "Write the date": "Tarihi yazın",
        "Write both numbers": "İki sayıyı da yazın",
        "Reading": "Ölçüm",
        "What it means": "Anlamı",
        "Normal": "Normal",
        "High": "Yüksek",
        "Call 911 if you have chest pain.": "Göğüs ağrınız varsa 911'i arayın.",
        "Take 2.5 mg of the tablet with water.": "2,5 mg tableti suyla alın.",
    },
    "ja": {
        "Taking your blood pressure at home": "自宅での血圧の測り方",
        "How to measure your blood pressure and what the numbers mean.": "血圧の測り方と数値の意味。",
        "Why measure at home": "自宅で測る理由",
        "Your nurse may ask you to check your blood pressure **twice a day**.": (
            "看護師から血圧を**1日2回**測るように言われることがあります。"
        ),
        "What you need": "必要なもの",
        "A cuff that fits your arm": "腕に合ったカフ",
        "A notebook, or the [record sheet](https://example.org/sheet.pdf)": (
            "ノート、または[記録用紙](https://example.org/sheet.pdf)"
        ),
        "Write the date": "日付を書きます",
        "Write both numbers": "両方の数値を書きます",
        "Reading": "測定値",
        "What it means": "意味",
        "Normal": "正常",
        "High": "高い",
        "Call 911 if you have chest pain.": "胸が痛い場合は911に電話してください。",
        "Take 2.5 mg of the tablet with water.": "錠剤2.5 mgを水で服用してください。",
    },
}
NURSE = "Your nurse may ask you to check your blood pressure **twice a day**."
CALL = "Call 911 if you have chest pain."
PLANTS = [
    # (locale, msgid, planted msgstr, check)
    ("pl", NURSE, "Pielęgniarka może poprosić, aby mierzyć ciśnienie **raz dziennie**.",
     "frequency"),
    ("pl", CALL, "Nie dzwoń pod 911, jeśli boli cię w klatce piersiowej.", "negation"),
    ("tr", NURSE, "Hemşireniz tansiyonunuzu **günde bir kez** ölçmenizi isteyebilir.",
     "frequency"),
    ("tr", CALL, "Göğüs ağrınız varsa 911'i aramayın.", "negation"),
    ("ja", NURSE, "看護師から血圧を**1日1回**測るように言われることがあります。", "frequency"),
    ("ja", CALL, "胸が痛い場合は911に電話しないでください。", "negation"),
]  # fmt: skip


def _translated(project: Path, locale: str, changes: dict[str, str]) -> Project:
    runner = CliRunner(mix_stderr=False)
    for args in (["extract"], ["init", locale]):
        assert runner.invoke(main, ["--project", str(project), *args]).exit_code == 0
    loaded = Project.load(project)
    path = loaded.paths.catalog(locale, "blood-pressure")
    po = polib.pofile(str(path))
    table = {**ARTICLE[locale], **changes}
    for entry in po:
        entry.msgstr = table.get(entry.msgid, entry.msgid)  # 120/80 and 140/90 stay
    po.save(str(path))
    return Project.load(project)


@pytest.mark.parametrize("locale", sorted(ARTICLE))
def test_the_hand_translation_is_publishable(project: Path, locale):
    from toolkit.publishing import assess

    loaded = _translated(project, locale, {})
    assessment = assess(loaded, loaded.article("blood-pressure"), locale)
    assert assessment.publishable, [f.message for f in assessment.findings]


@pytest.mark.parametrize(("locale", "msgid", "planted", "check"), PLANTS)
def test_a_planted_defect_keeps_the_pair_unpublished(project: Path, locale, msgid, planted, check):
    from toolkit.publishing import assess

    loaded = _translated(project, locale, {msgid: planted})
    assessment = assess(loaded, loaded.article("blood-pressure"), locale)
    assert not assessment.publishable
    assert check in {f.check for f in assessment.findings if f.severity == "error"}


@pytest.mark.parametrize("locale", ["fil", "fil_PH"])
def test_filipino_reads_the_tagalog_table(locale: str) -> None:
    """CLDR's `fil` is the standardized Tagalog the `tl` table is written in: a dropped
    "huwag" (do not) and once -> twice block; the correct sentences stay publishable."""
    assert errors("Do not stop taking it.", "Huwag itong ihinto.", locale) == []
    assert "negation" in errors("Do not stop taking it.", "Ihinto ito.", locale)
    once, twice = (
        "Inumin ito nang isang beses sa isang araw.",
        "Inumin ito nang dalawang beses sa isang araw.",
    )
    assert errors("Take it once a day.", once, locale) == []
    assert "frequency" in errors("Take it once a day.", twice, locale)


def test_a_thai_translation_ends_its_sentences_with_a_space() -> None:
    """Thai puts a space, not a full stop, where a sentence ends (the Royal Institute of
    Thailand's spacing rules): two sentences so written are two; one left out still blocks."""
    source = "Sit down. Rest your arm on the table."
    assert "sentences" not in errors(source, "นั่งลง วางแขนบนโต๊ะ", "th")
    assert "sentences" not in errors(source, "นั่งลง วางแขนของคุณไว้บนโต๊ะ", "th_TH")
    assert "sentences" in errors(source, "วางแขนบนโต๊ะ", "th")
    three = "Sit down. Rest your arm on the table. Wait 5 minutes."
    assert "sentences" in errors(three, "นั่งลง วางแขนบนโต๊ะ", "th")
