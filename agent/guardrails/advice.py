"""Advice only a professional may give: health, money, taxes, the law.

"Put ice on it", "you can deduct it", "pay it from your retirement savings" are advice about the lead's
body, money or legal position. A sales follow-up may relay such advice only when the sources give it;
anything more is a risk to the lead and a liability to the company. A sentence is advice when it
*recommends* (an imperative, "I recommend", "you should", "le aconsejo", "trate de", "mejor...") or
*predicts* an outcome for them ("this will fix", "you can deduct"), and it is about one of those
subjects. It is sourced when every subject it advises on appears in the allowed material, in either
language (the subjects are bilingual concepts, so a Spanish draft can rest on an English source).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from agent.guardrails import speech
from agent.guardrails.base import DraftText, GuardrailContext, Violation

RECOMMENDS = re.compile(
    r"\b(?:i|we) (?:would |'d )?(?:recommend|suggest|advise|encourage)\b|\bmy (?:advice|tip|recommendation)\b"
    r"|\byou (?:should|shouldn't|should not|ought to|must|need to|'d better|had better)\b|\b(?:it's|it is) "
    r"(?:best|better|wise|smart) to\b|\bthe best thing (?:is|would be) to\b|\bmake sure (?:to|you)\b"
    r"|\b(?:try|remember) to\b|\bin the meantime,? (?:try|take|put|use|avoid|keep|apply)\b"
    r"|\ble (?:aconsejo|recomiendo|sugiero)\b|\bles (?:aconsejo|recomiendo|sugiero)\b|\bmi (?:consejo|"
    r"recomendaci[óo]n)\b|\bdeber[íi]a(?:n)?\b|\btrate de\b|\btraten de\b|\bprocure\b|\blo mejor es\b"
    r"|\b(?:no )?(?:le|les) conviene\b|\bmejor (?:no |p[áa]guelo|h[áa]galo|evite|use|espere|tome)\w*"
    r"|\bes (?:mejor|recomendable|importante) que\b|\bun consejo\b"
    # "Mientras tanto, puede darle media aspirina", "in the meantime you could try": a suggestion.
    r"|\bmientras tanto,? (?:usted )?(?:puede|pueden|podr[íi]a)\b"
    r"|\bin the meantime,? you (?:can|could|might)\b",
    re.IGNORECASE,
)
# Imperatives that act on the body or the money: "ice it", "take ibuprofen", "póngase hielo", "evite".
IMPERATIVE = re.compile(
    r"(?:^|[,;:]\s*|\b(?:and|y|then|luego)\s+)(?:try|take"
    r"|put|apply|use|avoid|stop|keep|rest|ice|stretch|walk|"
    r"sleep|drink|wear|deduct|claim|refinance|pay off|invest|borrow|skip|switch to|cut back|limit|eat|brush|"
    r"floss|cambie a|deje de|coma|beba|cepíllese|póngase|pónganse|tome|tomen|use|"
    r"usen|evite|eviten|camine|caminen|descanse|descansen|estire|duerma|aplique|deduzca|pida|invierta|"
    r"p[áa]guelo|no se)\b",
    re.IGNORECASE,
)
PREDICTS = re.compile(
    r"\b(?:this|that|it|therapy|the program|these exercises) will (?:fix|cure|heal|get rid of|take care of)\b"
    r"|\byou (?:can|could|'ll be able to|will be able to) (?:deduct|write (?:it )?off|claim|sue|get (?:it )?"
    r"reimbursed)\b|\b(?:es|son|será) deducible\b|\b(?:puede|pueden|podrá|podrán) (?:deducir|demandar|"
    r"reclamar)\b|\b(?:le|les|lo|la) (?:va a|van a) (?:curar|arreglar|quitar|sanar)\b"
    # A tax outcome promised to them: "the interest is deductible", "usted recupera $1,000 en su declaración".
    r"|\b(?:is|are|will be|would be) (?:tax[- ])?deductible\b"
    r"|\byou(?:'ll| will| would)? (?:get|recover|receive) (?:back )?[^.!?]{0,40}\b(?:on|in|from) your "
    r"(?:taxes|tax return|return)\b"
    r"|\b(?:usted |ustedes )?(?:recupera|recuperar[áa]|recibe|recibir[áa]|le devuelven|le devolver[áa]n)\b"
    r"[^.!?]{0,40}\b(?:su declaraci[óo]n|sus impuestos)\b"
    # An outcome for their money or their cover: "you can still claim the credit", "you're covered",
    # "ya no necesita pagar workers' comp".
    r"|\byou (?:can|could) (?:still|also|even) (?:deduct|write (?:it )?off|claim)\b"
    r"|\byou(?:'re| are| will be|'ll be)(?: fully)? covered\b"
    r"|\b(?:usted )?(?:est[áa]|estar[áa]) cubiert[oa]\b"
    r"|\b(?:ya )?no (?:necesita|tiene que|tendr[áa] que) pagar\b"
    r"|\byou (?:no longer|won't|will not|don't) (?:need|have) to pay\b"
    # A legal position told to them: "you'd be legally entitled to a refund", "tiene derecho a".
    r"|\byou(?:'d| would|'re| are|'ll| will)?(?: be)? (?:legally )?entitled to\b"
    r"|\b(?:usted )?(?:tiene|tendr[íi]a|tendr[áa]) derecho a\b",
    re.IGNORECASE,
)
# A source that sends the matter to a professional ("We are not tax advisers: please ask your tax
# preparer", "No damos asesoría de impuestos") grounds no advice on it, however much it says about it.
DEFERS = re.compile(
    r"\b(?:we are|we're|i am|i'm) not (?:a |your )?\w+ advis[eo]rs?\b|\bnot (?:tax|legal|financial|medical|"
    r"investment) advice\b|\bplease (?:ask|consult|check with)\b"
    r"|\bno (?:damos|somos|soy|ofrecemos) (?:asesor\w*|abogad\w*|contador\w*|m[ée]dic\w*|consejo\w*)"
    # What the company says it cannot tell anyone ("We cannot tell you a loss is covered"), and a benefit
    # the source says has ended ("the 25C tax credit ended"): no advice on it rests on that source.
    r"|\b(?:cannot|can't|can not) tell you\b|\bno (?:le )?podemos decir(?:le)?\b"
    r"|\b(?:ended|expired) for\b|\bno longer (?:available|applies)\b|\bya no (?:existe|aplica)\b",
    re.IGNORECASE,
)
# Advice to ask a professional is the opposite of giving the advice: "ask your tax preparer".
REFERS = re.compile(
    r"\b(?:ask|consult|check with|talk to|speak (?:to|with)) (?:a|your) [\w -]{0,20}?(?:preparer|"
    r"professional|adviser|advisor|accountant|cpa|attorney|lawyer|doctor|physician)\b"
    r"|\b(?:pregunt|consult)\w*\s+(?:a|con)\s+(?:su|un|una)\s+(?:preparador|contador|abogad|asesor|m[ée]dic)",
    re.IGNORECASE,
)
# Subjects of advice, each a bilingual concept. A source that names the concept grounds advice on it.
SUBJECTS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "ice": r"\bic(?:e|ing)\b|\bhielo\b",
        "heat": r"\bheat(?:ing pad)?\b|\bwarm compress|\bcalor\b|\bcompresas? calientes?\b",
        "medication": r"\bibuprofen\w*|\badvil\b|\btylenol\b|\baspirin\w*|\bpainkiller\w*|\bmedicat\w*"
        r"|\bmedicine\b|\banti-?inflammator\w*|\bmedicamento\w*|\banalg[ée]sico\w*|\bpastilla\w*"
        r"|\bantiinflamatorio\w*|\bpills?\b",
        "rest": r"\brest(?:ing)?\b|\breposo\b|\bdescans\w*",
        "support": r"\bbrace\b|\bcane\b|\bwalker\b|\bcrutch\w*|\bsling\b|\bfaja\b|\bbast[óo]n\b|\bandador\b"
        r"|\bmuletas?\b|\bcabestrillo\b|\brodillera\b",
        "walking": r"\bwalk(?:ing)?\b|\bcamin(?:ar|e|en|ando|ata)\b",
        "stretching": r"\bstretch\w*|\bestir\w*",
        "exercise": r"\bexercis\w*|\bworkout\w*|\bejercicio\w*",
        "bathing": r"\bshower(?:ing)?\b|\bbath(?:e|ing)?\b|\bbañ(?:ar|arse|o|e)\w*|\bducha\w*",
        "lifting": r"\blift(?:ing)?\b|\bcarg(?:ar|ue|a)\b|\blevant(?:ar|e)\b",
        "diet": r"\bdiet\b|\bdrink\w*|\bwater\b|\bcoffee\b|\bcaffeine\b|\balcohol\b|\bsugar\w*"
        r"|\beat(?:ing)?\b|\bdieta\b|\bhidrat\w*|\bcaf[ée]\b|\bcafe[íi]na\b|\baz[úu]car\b"
        r"|\bcom(?:er|a|ida)\b|\bbeb(?:er|a)\b",
        "products": r"\btoothpaste\b|\bmouthwash\b|\bfloss\w*|\bcream\b|\bointment\b|\blotion\b"
        r"|\bsupplement\w*|\bvitamin\w*|\bpasta de dientes\b|\benjuague\b|\bcrema\b|\bpomada\b"
        r"|\bsuplemento\w*|\bvitamina\w*",
        "sleep": r"\bsleep\w*|\bdorm(?:ir|ir|a)\b|\bsueño\b",
        "tax": r"\btax\w*|\bdeduct\w*|\bwrite[- ]off\b|\birs\b|\bimpuesto\w*|\bdeduc\w*|\bdeclaraci[óo]n\b"
        r"|\b1099\b|\bw-2\b|\b(?:year's|annual) return\b",
        # Whether a loss or a cost falls under a policy or a plan: "you're covered", "está cubierto".
        "coverage": r"\bcovered\b|\bcoverage\b|\bcubiert[oa]s?\b|\bcobertura\b",
        "debt": r"\bdebt\w*|\bloan\w*|\bborrow\w*|\brefinanc\w*|\bmortgage\w*|\bdeuda\w*|\bendeud\w*"
        r"|\bpr[ée]stamo\w*|\bhipoteca\w*",
        # How to pay: "put it all on a rewards card", "páguelo con tarjeta de crédito".
        "cards": r"\b(?:credit|rewards|travel|points) cards?\b|\btarjetas? de cr[ée]dito\b",
        "savings": r"\bsavings\b|\bretirement\b|\b401\(?k\)?|\bira\b"
        r"|\bahorro\w*|\bretiro\b|\bjubilaci[óo]n\b",
        "investing": r"\binvest\w*|\binvert\w*|\binversi[óo]n\w*",
        "legal": r"\blawyer\w*|\battorney\w*|\bsue\b|\blawsuit\w*|\bliabilit\w*|\blegal(?:ly)?\b|\babogad\w*"
        r"|\bby law\b|\bpor ley\b|\bla ley\b"
        r"|\bdemand(?:ar|e|a)\b|\bjuicio\b",
    }.items()
}

ANY_SUBJECT = re.compile("|".join(f"(?:{p.pattern})" for p in SUBJECTS.values()), re.IGNORECASE)


def check_unsourced_advice(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """``advice.unsourced``: advice on health, money, taxes or the law that the sources do not give."""
    allowed = "\n".join((*(source.text for source in context.sources), *context.company_facts))
    violations: list[Violation] = []
    for text, start, end in _units(draft):
        subjects = advised_subjects(text)
        if not subjects:
            continue  # most sentences advise nothing: the sources are read only for one that does
        deferred = _deferred(allowed)
        missing = sorted(
            subject for subject in subjects if subject in deferred or not _named_in(subject, allowed)
        )
        if missing:
            violations.append(
                Violation(
                    "advice.unsourced",
                    f"advises the lead ({', '.join(missing)}) beyond what the sources say: remove the advice "
                    "or quote the source that gives it; health, money, tax and legal advice is for a "
                    "professional",
                    start,
                    end,
                )
            )
    return violations


@lru_cache(maxsize=speech.CACHE)
def advised_subjects(sentence: str) -> frozenset[str]:
    """The subjects a sentence advises the lead on; empty when it only states facts."""
    text = speech.core(sentence).replace("’", "'")
    if REFERS.search(text):
        return frozenset()
    if not (RECOMMENDS.search(text) or IMPERATIVE.search(text) or PREDICTS.search(text)):
        return frozenset()
    if not ANY_SUBJECT.search(text):
        return frozenset()
    return frozenset(name for name, pattern in SUBJECTS.items() if pattern.search(text))


def _units(draft: DraftText) -> Iterator[tuple[str, int | None, int | None]]:
    if draft.subject:
        yield draft.subject, None, None
    for sentence in speech.clauses(draft.body):
        yield sentence.text, sentence.start, sentence.end


# Where a statement of the sources ends: a full stop, a blank line or a list item. Not a single line
# break: sources are wrapped, and "The federal 25C tax\ncredit ended" is one statement.
STATEMENT_BREAK = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)")


@lru_cache(maxsize=256)
def _deferred(allowed: str) -> frozenset[str]:
    """The subjects a statement of the sources hands to a professional."""
    return frozenset(
        name
        for statement in STATEMENT_BREAK.split(allowed)
        if DEFERS.search(statement)
        for name, pattern in SUBJECTS.items()
        if pattern.search(statement)
    )


@lru_cache(maxsize=1024)
def _named_in(subject: str, allowed: str) -> bool:
    return SUBJECTS[subject].search(allowed) is not None
