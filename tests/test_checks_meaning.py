"""Meaning checks: a changed negation, count, unit, comparator, order or a dropped sentence
blocks publishing in Latin, Arabic, Han and Vietnamese script; correct variations (reordered
sentences, spelled numbers, native digits, unit names) stay publishable.

Every expected translation here was written by hand from the English; none is produced by
the code under test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest

from conftest import REPO
from toolkit.checks import CHECKS, entry_findings
from toolkit.checks.vocab import SHIPPED_LOCALES, chinese_number, load_vocabulary
from toolkit.models import Entry

FILE = "locales/xx/LC_MESSAGES/x.po"


def found(msgid: str, msgstr: str, locale: str, flags: tuple[str, ...] = ()):
    entry = Entry(msgid, msgstr, None, False, 42, "paragraph", 7, flags)
    return entry_findings(entry, locale=locale, file=FILE)


def errors(msgid: str, msgstr: str, locale: str, flags: tuple[str, ...] = ()) -> list[str]:
    return [f.check for f in found(msgid, msgstr, locale, flags) if f.severity == "error"]


# (check, locale, source, correct translation, translation with one planted defect)
MEANING = [
    # negation dropped
    ("negation", "es", "Do not stop taking it.", "No deje de tomarlo.", "Deje de tomarlo."),
    ("negation", "ar", "Do not stop taking it.", "لا تتوقف عن تناوله.", "توقف عن تناوله."),
    ("negation", "zh_Hans", "Do not stop taking it.", "不要停止服用。", "停止服用。"),
    ("negation", "vi", "You must not drive.", "Bạn không được lái xe.", "Bạn được lái xe."),
    # negation added where the source has none
    ("negation", "es", "Take it with food.", "Tómelo con comida.", "No lo tome con comida."),
    ("negation", "ar", "Take it with food.", "تناوله مع الطعام.", "لا تتناوله مع الطعام."),
    ("negation", "zh_Hans", "Take it with food.", "随餐服用。", "不要随餐服用。"),
    ("negation", "vi", "You may drive.", "Bạn có thể lái xe.", "Bạn không thể lái xe."),
    # frequency: count of times, and the period
    ("frequency", "es", "Take it once a day.", "Tómelo una vez al día.", "Tómelo dos veces al día."),
    ("frequency", "ar", "Take it twice a day.", "تناوله مرتين في اليوم.", "تناوله مرة في اليوم."),
    ("frequency", "zh_Hans", "Take it twice a day.", "每天服用两次。", "每天服用一次。"),
    ("frequency", "vi", "Take it once a day.", "Uống một lần mỗi ngày.", "Uống hai lần mỗi ngày."),
    ("frequency", "es", "Take it once a day.", "Tómelo una vez al día.", "Tómelo una vez a la semana."),
    ("frequency", "ar", "Take it 3 times a day.", "تناوله 3 مرات في اليوم.", "تناوله 3 مرات في الأسبوع."),
    ("frequency", "zh_Hans", "Take it 3 times a day.", "每天服用3次。", "每周服用3次。"),
    ("frequency", "vi", "Take it 3 times a day.", "Uống 3 lần mỗi ngày.", "Uống 3 lần mỗi tuần."),
    # time units tied to numbers
    ("units", "es", "Wait 5 minutes.", "Espere 5 minutos.", "Espere 5 horas."),
    ("units", "ar", "Wait 5 minutes.", "انتظر 5 دقائق.", "انتظر 5 ساعات."),
    ("units", "zh_Hans", "Wait 5 minutes.", "等待5分钟。", "等待5小时。"),
    ("units", "vi", "Wait 5 minutes.", "Chờ 5 phút.", "Chờ 5 giờ."),
    ("units", "es", "Use it for 7 days.", "Úselo durante 7 días.", "Úselo durante 7 semanas."),
    ("units", "ar", "Use it for 7 days.", "استخدمه لمدة 7 أيام.", "استخدمه لمدة 7 أسابيع."),
    ("units", "zh_Hans", "Use it for 7 days.", "使用7天。", "使用7周。"),
    ("units", "vi", "Use it for 7 days.", "Dùng trong 7 ngày.", "Dùng trong 7 tuần."),
    # dose units written in words (CLDR names): a symbol change is a `numbers` finding
    ("numbers", "es", "Take 5 mg.", "Tome 5 miligramos.", "Tome 5 mililitros."),
    ("numbers", "ar", "Take 5 mg.", "تناول 5 مليغرام.", "تناول 5 مل."),
    ("numbers", "zh_Hans", "Take 5 mg.", "服用5毫克。", "服用5毫升。"),
    ("numbers", "vi", "Take 56 mg.", "Uống 56 miligam.", "Uống 56 mililít."),
    # comparators
    ("comparison", "es", "Keep it below 120/80.", "Manténgala por debajo de 120/80.",
     "Manténgala por encima de 120/80."),
    ("comparison", "ar", "Keep it below 120/80.", "حافظ عليه أقل من 120/80.",
     "حافظ عليه أكثر من 120/80."),
    ("comparison", "zh_Hans", "Keep it below 120/80.", "保持在120/80以下。", "保持在120/80以上。"),
    ("comparison", "vi", "Keep it below 120/80.", "Giữ dưới 120/80.", "Giữ trên 120/80."),
    ("comparison", "es", "Drink at least 2 L.", "Beba al menos 2 L.", "Beba como máximo 2 L."),
    ("comparison", "zh_Hans", "Drink at least 2 L.", "至少喝2 L。", "最多喝2 L。"),
    # before / after
    ("comparison", "es", "Take it before meals.", "Tómelo antes de las comidas.",
     "Tómelo después de las comidas."),
    ("comparison", "ar", "Take it before meals.", "تناوله قبل الأكل.", "تناوله بعد الأكل."),
    ("comparison", "zh_Hans", "Take it before meals.", "饭前服用。", "饭后服用。"),
    ("comparison", "vi", "Take it before meals.", "Uống trước bữa ăn.", "Uống sau bữa ăn."),
    # ordered numbers: a reading, and doses per time of day
    ("order", "es", "Normal is 120/80.", "Lo normal es 120/80.", "Lo normal es 80/120."),
    ("order", "ar", "Normal is 120/80.", "الطبيعي هو 120/80.", "الطبيعي هو 80/120."),
    ("order", "zh_Hans", "Normal is 120/80.", "正常值是120/80。", "正常值是80/120。"),
    ("order", "vi", "Normal is 120/80.", "Bình thường là 120/80.", "Bình thường là 80/120."),
    ("order", "es", "Take 1 tablet in the morning and 2 at night.",
     "Tome 1 pastilla por la mañana y 2 por la noche.",
     "Tome 2 pastillas por la mañana y 1 por la noche."),
    ("order", "ar", "Take 1 tablet in the morning and 2 at night.",
     "تناول 1 حبة في الصباح و2 في المساء.", "تناول 2 حبة في الصباح و1 في المساء."),
    ("order", "zh_Hans", "Take 1 tablet in the morning and 2 at night.",
     "早上服用1片，晚上服用2片。", "早上服用2片，晚上服用1片。"),
    ("order", "vi", "Take 1 tablet in the morning and 2 at night.",
     "Uống 1 viên vào buổi sáng và 2 viên vào buổi tối.",
     "Uống 2 viên vào buổi sáng và 1 viên vào buổi tối."),
    # a sentence left out
    ("sentences", "es", "Sit down. Rest your arm on the table.",
     "Siéntese. Apoye el brazo en la mesa.", "Siéntese y apoye el brazo en la mesa."),
    ("sentences", "ar", "Sit down. Rest your arm on the table.",
     "اجلس. ضع ذراعك على الطاولة.", "اجلس وضع ذراعك على الطاولة."),
    ("sentences", "zh_Hans", "Sit down. Rest your arm on the table.",
     "坐下。把手臂放在桌子上。", "坐下，把手臂放在桌子上。"),
    ("sentences", "vi", "Sit down. Rest your arm on the table.",
     "Ngồi xuống. Đặt tay lên bàn.", "Ngồi xuống và đặt tay lên bàn."),
    # English left in the page
    ("identical", "es", "Sit still and rest your arm.", "Quédese quieto y relaje el brazo.",
     "Sit still and rest your arm."),
    ("identical", "ar", "Sit still and rest your arm.", "اجلس بهدوء وأرح ذراعك.",
     "Sit still and rest your arm."),
    ("identical", "zh_Hans", "Sit still and rest your arm.", "静坐，放松手臂。",
     "Sit still and rest your arm."),
    ("identical", "vi", "Sit still and rest your arm.", "Ngồi yên và thả lỏng tay.",
     "Sit still and rest your arm."),
]  # fmt: skip
IDS = [f"{m[0]}-{m[1]}-{i}" for i, m in enumerate(MEANING)]


@pytest.mark.parametrize(("check", "locale", "source", "good", "bad"), MEANING, ids=IDS)
def test_planted_meaning_defect_is_an_error(check, locale, source, good, bad):
    assert check in errors(source, bad, locale), [f.message for f in found(source, bad, locale)]
    assert CHECKS[check] == "error"


@pytest.mark.parametrize(("check", "locale", "source", "good", "bad"), MEANING, ids=IDS)
def test_its_correct_translation_has_no_error(check, locale, source, good, bad):
    assert errors(source, good, locale) == [], [f.message for f in found(source, good, locale)]


def test_every_meaning_class_is_planted_in_four_scripts():
    for check in ("negation", "frequency", "units", "comparison", "order", "sentences"):
        assert {m[1] for m in MEANING if m[0] == check} >= {"es", "ar", "zh_Hans", "vi"}


def test_findings_name_the_concept_and_both_sides():
    [finding] = found("Take it once a day.", "Tómelo dos veces al día.", "es")
    assert finding.message.startswith("frequency: the source says 1 time")
    assert "the translation says 2 times" in finding.message
    assert (finding.file, finding.line, finding.msgid) == (FILE, 42, "Take it once a day.")
    [comparator] = found("Keep it below 120/80.", "Giữ trên 120/80.", "vi")
    assert comparator.message.startswith("comparator: the source says less than")
    assert '"trên"' in comparator.message


# (locale, source, translation): correct variations that stay publishable
CLEAN = [
    # numbers in words for digits and back, native digits, Chinese numerals, Arabic duals
    ("es", "Take two readings.", "Tome 2 lecturas."),
    ("es", "Take 2 readings.", "Tome dos lecturas."),
    ("ar", "Take 2 readings.", "خذ قراءتين."),
    ("ar", "Take 2.5 mg twice a day.", "تناول ٢٫٥ ملغ مرتين في اليوم."),
    ("fa", "Take 2.5 mg.", "۲٫۵ mg بخورید."),
    ("zh_Hans", "Take 2.5 mg.", "服用二点五毫克。"),
    ("zh_Hans", "Take 2 tablets.", "服用两片。"),
    ("zh_Hans", "Take 2.5 mg twice a day.", "每天服用两次，每次2.5毫克。"),
    ("vi", "Take it 3 times a day.", "Uống ba lần mỗi ngày."),
    ("es", "Take it 3 times a day.", "Tómelo tres veces al día."),
    ("ar", "Take it 3 times a day.", "تناوله ثلاث مرات في اليوم."),
    ("fr", "Take it twice a day.", "Prenez-le deux fois par jour."),
    ("de", "Take it twice a day.", "Nehmen Sie es zweimal am Tag."),
    ("ru", "Take it twice a day.", "Принимайте его два раза в день."),
    ("pt", "Take it twice a day.", "Tome duas vezes por dia."),
    ("it", "Take it twice a day.", "Lo prenda due volte al giorno."),
    ("tl", "Take it twice a day.", "Inumin ito nang dalawang beses sa isang araw."),
    ("ko", "Take it twice a day.", "하루에 두 번 복용하세요."),
    # unit names and spellings
    ("vi", "Take 56 mg.", "Uống 56 miligam."),
    ("es", "Normal is under 120/80 mm Hg.", "Lo normal es menos de 120/80 mmHg."),
    ("ar", "Normal is under 120/80 mmHg.", "الطبيعي أقل من 120/80 ملم زئبقي."),
    ("es", "About 20% of people.", "Cerca del 20 por ciento de las personas."),
    ("fr", "About 20% of people.", "Environ 20 pour cent des gens."),
    ("es", "Wait 5 minutes.", "Espere 5 min."),
    # phone numbers and numbers inside link text
    ("es", "Call 911 now.", "Llame al 9-1-1 ahora."),
    ("es", "Call or text [988lifeline.org](https://988lifeline.org) today.",
     "Llame o escriba a la [línea de crisis](https://988lifeline.org) hoy."),
    # reordered sentences and clauses
    ("es", "Take 1 tablet in the morning and 2 at night.",
     "Por la noche, tome 2 pastillas; por la mañana, 1."),
    ("zh_Hans", "Do not eat for 2 hours before your dose.", "用药前 2 小时内不要吃东西。"),
    ("es", "Before meals, take it with water.", "Tómelo con agua antes de las comidas."),
    # negation written with two words, or as a weak "without"
    ("fr", "Do not stop taking it.", "Ne l'arrêtez pas."),
    ("de", "Do not stop taking it.", "Hören Sie nicht auf, es zu nehmen."),
    ("ru", "Do not stop taking it.", "Не прекращайте приём."),
    ("ko", "Do not stop taking it.", "복용을 중단하지 마세요."),
    ("tl", "Do not stop taking it.", "Huwag itong ihinto."),
    ("pt", "Do not stop taking it.", "Não pare de tomar."),
    ("it", "Do not stop taking it.", "Non smetta di prenderlo."),
    ("es", "Sit still.", "Quédese sin moverse."),
    ("es", "This helps stop it from coming back.", "Así ayuda a que no vuelva."),
    # translated alt and title texts, the source's own HTML kept
    ("es", "See ![A cuff](cuff.png) here.", "Vea ![Un manguito](cuff.png) aquí."),
    ("es", 'Click <abbr title="blood pressure">BP</abbr> here.',
     'Pulse <abbr title="presión arterial">PA</abbr> aquí.'),
    ("es", "Text <!-- keep --> and <?php echo 1; ?> here.",
     "Texto <!-- keep --> y <?php echo 1; ?> aquí."),
    ("es", "Data <![CDATA[x < y]]> here.", "Datos <![CDATA[x < y]]> aquí."),
]  # fmt: skip


@pytest.mark.parametrize(("locale", "source", "translation"), CLEAN)
def test_correct_variation_stays_publishable(locale, source, translation):
    assert errors(source, translation, locale) == [], [
        f.message for f in found(source, translation, locale)
    ]


def test_html_the_translation_adds_is_still_an_error():
    assert errors("Text here and there.", "Texto <!-- nuevo --> aquí y allí.", "es") == ["html"]
    assert errors("Text <!-- a --> here.", "Texto <!-- b --> aquí.", "es") == ["html"]


# --- marks, severities and warnings ---------------------------------------------------------


def test_toolkit_keep_flag_allows_a_copy_and_joined_sentences_but_not_a_meaning_change():
    copy = ("Sit still and rest your arm.", "Sit still and rest your arm.", "es")
    assert errors(*copy) == ["identical"]
    assert errors(*copy, flags=("toolkit-keep",)) == []
    joined = ("Sit down. Rest your arm.", "Siéntese y apoye el brazo.", "es")
    assert errors(*joined) == ["sentences"]
    assert errors(*joined, flags=("toolkit-keep",)) == []
    meaning = ("Do not stop taking it.", "Deje de tomarlo.", "es")
    assert errors(*meaning, flags=("toolkit-keep",)) == ["negation"]


def test_short_copies_names_and_numbers_are_not_copies():
    for source in ("Normal", "Omron cuff", "120/80", "https://example.org/a"):
        assert errors(source, source, "es") == []


@pytest.mark.parametrize(
    ("source", "translation", "what"),
    [
        ("Take 2.5 mg now.", "Tome 2,50 mg ahora.", "trailing zero"),
        ("Take 0.5 mg now.", "Tome ,5 mg ahora.", "no zero before"),
        ("Take 0.5 mg now.", "Tome .5 mg ahora.", "no zero before"),
    ],
)
def test_ismp_dose_styles_are_warnings(source, translation, what):
    [finding] = found(source, translation, "es")
    assert (finding.check, finding.severity) == ("dose-format", "warning")
    assert what in finding.message


def test_a_project_extends_the_shipped_vocabulary(tmp_path: Path):
    extra = tmp_path / "vi.toml"
    extra.write_text('[comparison]\nmore = ["vượt mức"]\n', encoding="utf-8")
    shipped = load_vocabulary("vi")
    extended = load_vocabulary("vi", extra, "qa/vi.toml")
    assert "more" in shipped.comparison.names
    assert [n for _, _, n in extended.tag("huyết áp vượt mức 140", "comparison")] == ["more"]
    assert shipped.tag("huyết áp vượt mức 140", "comparison") == []


def test_a_broken_project_vocabulary_names_the_file(tmp_path: Path):
    from toolkit.errors import ConfigError

    bad = tmp_path / "es.toml"
    bad.write_text("[negation\nwords = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="qa/es.toml"):
        load_vocabulary("es", bad, "qa/es.toml")


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_every_shipped_locale_has_every_table(locale):
    vocab = load_vocabulary(locale)
    assert vocab.negation is not None
    assert vocab.comparison.names >= {"less", "more", "before", "after"}
    assert vocab.schedule.names >= {"morning", "evening"}
    assert vocab.periods.names >= {"day", "week"}
    assert "times" in vocab.unit_names.values()
    assert {"min", "h", "d", "mg"} <= set(vocab.unit_names.values())


@pytest.mark.parametrize(
    ("written", "value"),
    [("两", "2"), ("二点五", "2.5"), ("十五", "15"), ("一百二十", "120"), ("三千", "3000"),
     ("一万", "10000"), ("二十", "20"), ("一二〇", "120")],
)  # fmt: skip
def test_chinese_numerals(written, value):
    from decimal import Decimal

    assert chinese_number(written) == Decimal(value)


# --- publishing: the sample project, each planted defect keeps its pair out ----------------

PLANTS = [
    # (locale, slug, msgid, planted msgstr, check)
    ("es", "ketamine-for-depression", "Do not eat for 2 hours before your dose.",
     "Coma durante las 2 horas después de su dosis.", "comparison"),
    ("ar", "ketamine-for-depression", "Do not eat for 2 hours before your dose.",
     "تناول الطعام لمدة ساعتين قبل الجرعة.", "negation"),
    ("zh_Hans", "ketamine-for-depression", "Do not eat for 2 hours before your dose.",
     "用药前 2 天内不要吃东西。", "units"),
    ("vi", "ketamine-for-depression", "Do not eat for 2 hours before your dose.",
     "Không ăn trong 2 giờ sau khi dùng thuốc.", "comparison"),
]  # fmt: skip


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    for name in ("source_articles", "locales", "glossary"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(("locale", "slug", "msgid", "planted", "check"), PLANTS)
def test_planted_defect_keeps_the_sample_pair_unpublished(
    sample, locale, slug, msgid, planted, check
):
    from toolkit.project import Project
    from toolkit.publishing import assess

    project = Project.load(sample)
    article = project.article(slug)
    assert assess(project, article, locale).publishable  # the sample itself is clean
    path = sample / "locales" / locale / "LC_MESSAGES" / f"{slug}.po"
    po = polib.pofile(str(path))
    [entry] = [e for e in po if e.msgid == msgid]
    entry.msgstr = planted
    po.save(str(path))
    assessment = assess(Project.load(sample), article, locale)
    assert not assessment.publishable
    assert check in {f.check for f in assessment.findings if f.severity == "error"}


def test_a_translator_comment_marks_a_copy_as_intended_and_survives_gettext(sample):
    import subprocess

    from toolkit.project import Project
    from toolkit.publishing import assess

    slug, msgid = "ketamine-for-depression", "Do not eat for 2 hours before your dose."
    path = sample / "locales" / "es" / "LC_MESSAGES" / f"{slug}.po"
    po = polib.pofile(str(path))
    [entry] = [e for e in po if e.msgid == msgid]
    entry.msgstr = msgid  # English left in the Spanish page
    po.save(str(path))
    article = Project.load(sample).article(slug)
    copied = assess(Project.load(sample), article, "es")
    assert not copied.publishable
    assert "identical" in {f.check for f in copied.findings if f.severity == "error"}

    entry.tcomment = "toolkit-keep"
    po.save(str(path))
    # GNU msgcat (what translators' tools behave like) keeps the comment as written
    rewritten = subprocess.run(["msgcat", str(path)], capture_output=True, text=True, check=True)
    assert "# toolkit-keep\n" in rewritten.stdout
    path.write_text(rewritten.stdout, encoding="utf-8")
    assert assess(Project.load(sample), article, "es").publishable
