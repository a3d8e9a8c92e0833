"""Question analysis: the kind of answer asked for, its focus, and whether a text holds
both. Each case is a general failure class (issue 13), not one evaluation question."""

from __future__ import annotations

import pytest

from rag.answer.figure_of import measured, population
from rag.answer.names import has_name, names_someone
from rag.answer.question import analyse
from rag.answer.question_words import unframed
from rag.answer.values import without_reported_questions
from rag.index.bm25 import BM25Index
from rag.index.terms import british
from rag.retrieve.variants import surface

CORPUS = BM25Index(
    [
        "The force has 214 police community support officers and 2,900 officers.",
        "One in eight student officers left before finishing their training.",
        "A backlog of 460 domestic abuse cases is waiting to be reviewed.",
        "Callers waited an average of 14 minutes before speaking to someone.",
        "The force is good at investigating crime and requires improvement at responding "
        "to the public.",
        "The chief constable and her team accepted the findings.",
        "HM Inspector of Constabulary Harriet Colquhoun said the force must improve.",
        "Serious and organised crime is inspected regionally.",
        "Vetting and counter-corruption were not inspected.",
        "About 600,000 people live in the county.",
    ]
)
IDF = CORPUS.idf


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many PCSOs does it have?", "number"),
        ("How much money must it save?", "amount"),
        ("How long do callers wait?", "duration"),
        ("When was the force inspected?", "date"),
        ("And when will the force be inspected again?", "date"),
        ("What goes wrong when children repeatedly run away?", None),  # a conjunction
        ("How does the force respond when a child is reported missing?", None),
        ("What is the deadline for the recommendation?", "date"),
        ("Who is the chief constable?", "person"),
        ("Which inspector led the inspection?", "person"),
        ("Which officer leads on it?", "person"),
        ("Which officers get psychological screening?", None),  # a kind of officer
        ("Did the force get top marks for looking after its own staff?", "grade"),
        ("What grade did the force get for investigations?", "grade"),
        ("How did the inspectorate rate the force's investigations?", "grade"),
        ("How does the force rate of arrests compare?", None),  # "rate of": a figure
        ("Why is the force struggling to spot corrupt staff?", "reason"),
        ("What's getting in the way of the force spotting corrupt staff?", "reason"),
        ("How did the force score on managing sex offenders?", "grade"),
        ("What is holding the force back on vetting?", "reason"),
        ("What is stopping it from clearing the backlog?", "reason"),
        ("What does the report say about officers who abuse their position?", None),
        ("How well does the force protect vulnerable people?", None),
        ("What's Hollowmere's stop and search hit rate?", "number"),
        ("What were its PEEL grades?", "grade"),
        ("What is the force's total budget?", "amount"),
        ("What savings has the force made?", "amount"),
        ("What caseload per investigator is it working to?", "number"),  # a ratio
        ("What ceiling on officers per sergeant is proposed?", "number"),
        ("What does the force do per shift to check on officers?", None),
        ("What training per officer is offered?", None),
        ("What workload problems did inspectors find?", None),
        ("For a briefing: what savings has it made?", "amount"),
        ("What savings plans does it have?", None),
        ("What did the savings plan say about staff?", None),  # a plan, not a sum
        ("What has the inspectorate told the force to do about it?", "recommendation"),
        ("What does the report recommend on vetting?", "recommendation"),
        ("What should the Home Office do?", "recommendation"),
        ("What progress has it made on the recommendations?", None),  # not what they say
        ("What more does the inspector want from the force on county lines?", "recommendation"),
        ("What does the HMI expect to see?", None),  # an expectation, not a recommendation
        ("When must the force act on the recommendation?", "date"),
        ("Attendance now averages 19 minutes. What was it at the last inspection?", "duration"),
        ("It has 214 PCSOs. What was it in 2020?", "number"),
        ("What was it like for victims?", None),  # no figure stated: none asked
        ("The force has a new 101 system. What is it called?", None),
        ("What is it doing about the 2023 backlog?", None),
        ("Which recommendations has it completed, and how many remain?", "number"),
        ("What has it been told to do about its response to domestic abuse?", "recommendation"),
        ("What was the judgment on its work against organized crime?", "grade"),  # US spelling
        ("Where did the force land on safeguarding people at risk of harm?", "grade"),
        ("Where did the force put its extra officers?", None),
        ("What did the commissioner say, and what's their name?", "person"),
        ("Were any areas left without a grade?", "ungraded"),
        ("Which parts of policing did it leave ungraded?", "ungraded"),
        ("Which areas were not graded as good?", "grade"),  # a grade asked, negated
        ("Which force recruited more officers?", None),  # a force, not a person
        ("Which of the forces had extra officers?", None),
        ("Where does responsibility sit for vetting in the force?", None),
        ("Where did the extra money end up in the budget?", None),
        ("Did the force get no grade lower than adequate?", "grade"),
        ("What is their name for the new unit?", None),
    ],
)
def test_the_kind_of_answer_asked_for(question: str, kind: str | None) -> None:
    assert analyse(question).kind == kind


@pytest.mark.parametrize(
    ("question", "text", "answers"),
    [
        # a proportion is not a count
        ("How many student officers left?", "One in eight student officers left.", False),
        ("What proportion of student officers left?", "One in eight student officers left.", True),
        # the counted thing with its modifiers: student officers are not PCSOs
        (
            "How many student officers left?",
            "It has 214 police community support officers.",
            False,
        ),
        (
            "How many PCSOs does it have?",
            "It has 214 police community support officers.",
            True,
        ),
        # a duration, and about the thing asked (not another figure of the same document)
        (
            "How long have DA cases in the backlog waited?",
            "A backlog of 460 DA cases.",
            False,
        ),
        (
            "How long have DA cases in the backlog waited?",
            "Callers waited an average of 14 minutes before speaking to someone.",
            False,
        ),
        ("How long do callers wait?", "Callers waited an average of 14 minutes.", True),
        # a grade for the area asked about, not another area's
        (
            "What grade did it get for serious organised crime?",
            "The force is good at investigating crime and requires improvement at responding.",
            False,
        ),
        (
            "How was the force rated for responding to the public?",
            "- requires improvement at responding to the public; and",
            True,
        ),
        # a count named in general is counted by what qualifies it
        (
            "How many people on the sex offenders register does it manage?",
            "It manages 1,140 registered sex offenders.",
            True,
        ),
        (
            "How many people live in the county?",
            "It manages 1,140 registered sex offenders.",
            False,
        ),
        ("How many people live in the county?", "About 600,000 people live in the county.", True),
        ("How many detective vacancies does it have?", "It had 112 vacant detective posts.", True),
        ("How many phones are queued?", "A backlog of 1,200 digital devices is queued.", True),
        ("How many trainee constables did it recruit?", "It recruited 230 student officers.", True),
        (
            "How many DASH forms await review?",
            "340 domestic abuse risk assessments await review.",
            True,
        ),
        ("How many DA victims await review?", "340 domestic abuse cases await review.", False),
        ("How many cases were waiting in the MASH?", "The MASH had 640 referrals waiting.", True),
        ("How many phones are queued?", "A backlog of 1,200 cases is queued.", False),
        # a number counts what is named right after it, not what follows a preposition
        (
            "How many registered sex offenders does it manage?",
            "It had 96 overdue visits to registered sex offenders.",
            False,
        ),
        (
            "How many wellbeing champions has it trained?",
            "It has trained twelve officers and staff as wellbeing champions.",
            True,
        ),
        # who: a name, or a role the question does not already name
        (
            "Who is the force's chief constable?",
            "The chief constable and her team agreed.",
            False,
        ),
        (
            "Who drove the improvement?",
            "The chief constable drove the improvement.",
            True,
        ),
        (
            "Which of His Majesty's inspectors spoke about the findings?",
            "HM Inspector of Constabulary Harriet Colquhoun said the force must improve.",
            True,
        ),
    ],
)
def test_a_text_answers_only_with_the_value_and_its_focus(
    question: str, text: str, answers: bool
) -> None:
    assert analyse(question).answered_by(text, IDF) is answers


def test_an_american_spelling_asks_for_the_british_one() -> None:
    asked = analyse("How many neighborhood teams tackle organized crime?")
    assert asked.focus == analyse("How many neighbourhood teams tackle organised crime?").focus
    assert british("ORGANIZED Crime, Organized crime and sizes") == (
        "ORGANISED Crime, Organised crime and sizes"
    )


def test_a_word_no_document_uses_does_not_block_an_answer() -> None:
    # "kiddos" is the asker's word: only the meaning score can judge it
    assert analyse("How many kiddos went missing?").mentions_focus("It has 214 officers.", IDF)


def test_a_ranking_is_answered_only_by_a_sentence_that_ranks() -> None:
    question = analyse("Which force employs the most police officers?")
    assert question.kind == "ranking"
    assert not question.answered_by("Northmoor Police employs around 2,900 officers.", IDF)
    assert not question.answered_by("Most of its officers feel valued.", IDF)
    assert question.answered_by("It employs the most officers of any force in England.", IDF)


def test_a_year_the_question_names_must_be_in_the_document() -> None:
    question = analyse("How do its integrity findings compare with its 2015 inspection?")
    assert not question.terms_of_art_in("Its integrity findings improved since last year.")
    assert question.terms_of_art_in("Since its 2015 inspection, integrity has improved.")


def test_a_number_that_names_something_must_be_in_the_document() -> None:
    question = analyse("How quickly are calls to the 101 number answered?")
    assert not question.terms_of_art_in("94 per cent of 999 calls were answered quickly.")
    assert question.terms_of_art_in("Calls to 101 waited nine minutes.")


def test_a_term_to_define_must_be_in_the_answer() -> None:
    question = analyse("In the PEEL programme, what is Engage?")
    assert not question.answered_by("PEEL is the main programme of inspection.", IDF)
    assert question.answered_by("Engage is the enhanced monitoring process.", IDF)


def test_who_with_is_answered_by_an_organisation() -> None:
    question = analyse("Who does the force share its firearms unit with?")
    assert question.answered_by("It shares a firearms unit with Loamshire Police.", IDF)
    assert not question.answered_by("It shares a firearms unit.", IDF)


def test_names() -> None:
    assert has_name("HM Inspector of Constabulary Harriet Colquhoun said:")
    assert not has_name("His Majesty's Inspectorate of Constabulary and Fire and Rescue Services")
    assert not has_name("Northmoor Police is good.", "Who leads Northmoor Police?")
    assert names_someone("Chief Constable Daniel Ashworth said:", "Who leads the force?")
    # a force's office, possessive: no person is named
    assert not has_name("Wessex Constabulary's Chief Constable welcomed the report.")
    assert has_name("Wessex Constabulary's Chief Constable, Ann Hale, welcomed it.")


def test_which_office_holder_is_answered_by_a_name_not_another_role() -> None:
    team = "The chief constable and her team have accepted our findings."
    assert names_someone(team, "Who drove the improvement?")  # a role answers "who did it"
    for asked in ("Which HMI fronted the findings?", "Which inspector led the inspection?"):
        assert not names_someone(team, asked)
        assert names_someone("HM Inspector of Constabulary Owen Tredgold said:", asked)
    # "HMI" is an inspector's office; "which of the inspectors" and "who is the <office>"
    # ask its holder too, so another office's holder does not answer
    inspector = "His Majesty's Inspector of Constabulary Owen Tredgold said:"
    assert analyse("Which HMI fronted the findings?").role_named(inspector)
    header = "A letter from HMI Laurence Mottram to Chief Constable Miriam Hargreave."
    asked = "Who is the police and crime commissioner for Ashworth?"
    assert not analyse(asked).answered_by(header, IDF)
    assert analyse(asked).answered_by("The commissioner, Dev Malhotra, funds it.", IDF)
    asked = "Which of His Majesty's Inspectors led the inspection?"
    assert not analyse(asked).answered_by("Chief Constable Alun Trevithick said it.", IDF)
    # a place or a newspaper is no person: "in Kirkby Amble", "Ambleshire Live"
    assert not has_name("Her home in Kirkby Amble was burgled, she told Ambleshire Live.")
    assert has_name("In Devon, Sarah Pennick said it.")
    # a table's row is no name: "Grade Adequate"
    assert not has_name("Responding to the public: Grade Adequate; 89 per cent were answered.")
    # a group or a rank is not one office: a role answers it
    assert names_someone("The deputy chief constable leads on it.", "Which officer leads it?")
    assert names_someone("The chief constable chairs it.", "Which inspectors were there?")


def test_a_role_asked_in_the_plural_is_still_asked() -> None:
    # "who are the chief constables": "the chief constable" is the role asked, not a name
    asked = "Who are the chief constables quoted in the coverage?"
    assert not names_someone('"I will be asking the chief constable," he said.', asked)
    assert names_someone("Chief Constable Rebecca Hollins said the force agreed.", asked)
    assert names_someone("The chief constables agreed.", "Who drove the improvement?")


def test_words_framing_the_request_are_not_a_focus() -> None:
    focus = analyse("For a briefing: how long do officers take to get to emergencies?").focus
    assert not any(u.startswith("brief") for u in focus)
    assert "tell" not in analyse("Please tell me how many PCSOs it has.").focus
    spoke = analyse("The paper spoke to a victim. How long did she wait?").focus
    assert not any(u.startswith(("paper", "spok")) for u in spoke)
    # the same words asked about are the focus
    assert any(u.startswith("brief") for u in analyse("How good are its shift briefings?").focus)
    # the document asked of is where the answer is, not what it is about
    national = analyse("The annual assessment says six forces lack vetting. Which are they?")
    assert not any(u.startswith(("annual", "assess")) for u in national.focus)
    titled = analyse("What did the State of Policing report say about sergeants?").focus
    assert not any(u.startswith(("state", "report")) for u in titled)
    assert "assessment" in analyse("How good are its risk assessments?").focus


def test_a_rank_asked_for_is_another_person() -> None:
    deputy = analyse("Who is the force's deputy chief constable?")
    assert not deputy.holds_kind("Chief Constable Marcus Threlfall has led the force since 2022.")
    assert deputy.holds_kind("Deputy Chief Constable Ann Lowe leads the change programme.")
    assert analyse("Who is the chief constable?").holds_kind("Chief Constable Marcus Threlfall")


def test_a_document_that_never_uses_a_term_of_art_does_not_speak_of_it() -> None:
    document = "The force uses stop and search fairly. Its vetting is thorough."
    assert analyse("What about stop and search?").terms_of_art_in(document)
    assert not analyse("Is there a problem with county lines?").terms_of_art_in(document)
    assert not analyse("What about vetting and corruption?").terms_of_art_in(document)
    assert analyse("Any problems with vetting or corruption?").terms_of_art_in(document)
    # a question with no term of art is left to the other checks
    assert analyse("How well does it treat the public?").terms_of_art_in(document)


def test_a_term_of_art_is_used_within_one_sentence_not_across_a_document() -> None:
    # a long report has "public" and "order", "road" and "safety" somewhere
    report = (
        "It treats the public fairly. Its order of priorities is clear. Road crime fell. "
        "Staff safety comes first."
    )
    assert not analyse("How does it police protests and public order?").terms_of_art_in(report)
    assert not analyse("What about road safety?").terms_of_art_in(report)
    # a spelling split within a sentence, or over a hard-wrapped line, is still that term
    split = "Calls to the non-emergency 101 number wait too long."
    assert analyse("How long do 101 calls wait?").terms_of_art_in(split)
    wrapped = "Officers used stop and\nsearch powers fairly."
    assert analyse("Is stop and search used fairly?").terms_of_art_in(wrapped)
    assert analyse("Is public order policing good?").terms_of_art_in("Its public order unit.")


def test_a_figure_the_question_states_does_not_answer_it() -> None:
    question = analyse("Of the savings of £2.1 billion, how much must forces find in year one?")
    assert question.kind == "amount"
    assert not question.holds_kind("Forces need savings of £2.1 billion over four years.")
    assert question.holds_kind("Forces must find £600 million of the £2.1 billion this year.")


def test_how_much_of_a_thing_needs_the_thing() -> None:
    question = analyse("How much notice is a force given before fieldwork starts?")
    assert not question.answered_by("Our fieldwork usually lasts three weeks.", IDF)
    assert question.answered_by("A force gets two weeks' notice before fieldwork.", IDF)
    # money and time are checked by the kind itself
    assert measured("How much time do officers spend on paperwork?") == ()


def test_the_kind_asked_first_wins() -> None:
    assert analyse("Which inspector signed the report, and for which year?").kind == "person"
    assert analyse("When was it inspected, and who led it?").kind == "date"
    assert analyse("Why was the force graded inadequate?").kind == "reason"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What was the average number of sick days per officer?", "number"),
        ("What is the total number of officers?", "number"),
        ("What is the annual budget of the force?", "amount"),
        ("What's the charge rate for rape offences?", "number"),  # a rate is a figure
        ("What is the force's 999 answer rate?", "number"),
        ("What is the ratio of officers to supervisors?", "number"),
        ("What was the size of the backlog?", "number"),
        ("What was the overspend?", "amount"),
        ("What's the size of the funding gap?", "amount"),
        ("What's the average time to attend an emergency?", "duration"),
        ("How many days does it take to examine a phone?", "duration"),
        ("Name the inspector who wrote the report.", "person"),
        ("Which HMI carried out the inspection?", "person"),
        ("What is the level of service like?", None),  # a level of something: no figure
        ("What is the biggest concern?", None),
    ],
)
def test_a_number_or_an_amount_asked_without_how(question: str, kind: str | None) -> None:
    assert analyse(question).kind == kind


def test_a_count_of_people_is_answered_by_people_of_any_kind() -> None:
    question = analyse("How many people has the force trained as wellbeing champions?")
    assert question.answered_by("It trained twelve officers and staff as wellbeing champions.", IDF)
    files = analyse("In how many of the missing child files was the risk too low?")
    assert files.holds_kind("In 14 of the 40 cases we reviewed, the child's risk was too low.")


def test_a_title_line_answers_only_if_it_names_the_thing_asked() -> None:
    asked = analyse("How well does the force investigate crime?")
    title = "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services"
    assert not asked.answered_by(title, IDF)
    assert asked.answered_by("Investigating crime", IDF)  # a heading that names it
    assert asked.answered_by("Its supervision of cases is weak.", IDF)  # a sentence: scored
    # a title never words a reason, even one naming the thing asked
    why = analyse("Why does the force investigate crime so slowly?")
    assert why.kind == "reason"
    assert not why.answered_by("Investigating crime", IDF)
    assert why.answered_by("It investigates crime slowly because it lacks detectives.", IDF)


def test_the_inspectorate_wording_of_a_graded_area_is_a_grade() -> None:
    asked = analyse("How did the inspector rate the force's fight against organised crime?")
    assert asked.holds_kind("The force is good at tackling serious and organised crime.")
    assert not asked.holds_kind("It has a good understanding of organised crime.")


@pytest.mark.parametrize(
    ("question", "text", "answers"),
    [
        ("How many calls were answered back in 2022?", "In 2024 it answered 71%.", False),
        ("How many calls were answered back in 2022?", "In 2022 it answered 64%.", True),
        ("How many forces had a savings plan the year before?", "Nine forces had a plan.", False),
        ("How many forces had a savings plan the year before?", "Six did the year before.", True),
        # a year that names the report is not the period of the figure
        ("In its 2023 PEEL assessment, how many calls were answered?", "It answered 71%.", True),
        # a financial year: the budget of the year before is another year's
        ("What is the budget for 2026/27?", "Its budget is £298.7 million for 2025/26.", False),
        ("What is the budget for 2026/27?", "Its budget for 2026–27 is £301 million.", True),
    ],
)
def test_a_figure_for_another_period_does_not_answer(
    question: str, text: str, answers: bool
) -> None:
    from rag.answer.periods import period_stated

    assert period_stated(question, text) is answers


def test_words_that_name_no_topic_are_not_a_focus() -> None:
    # "per" and "someone" are in every kind of question: a sentence need not hold them
    focus = analyse("What share of crimes ended with someone charged, per force?").focus
    assert "per" not in focus and not any(u.startswith("someon") for u in focus)


def test_the_author_of_every_report_is_not_a_focus() -> None:
    # "the inspectorate" is HMICFRS, which writes every report: not the thing asked about
    focus = analyse("How many forces did the inspectorate's PEEL work cover?").focus
    assert not any(unit.startswith("§") and "inspectorat" in str(unit) for unit in focus)
    assert analyse("How many forces did the inspectorate's PEEL work cover?").terms_of_art_in(
        "It draws on our PEEL inspections of 22 forces."
    )


def test_a_count_of_part_of_a_thing_needs_what_is_said_of_the_part() -> None:
    texts = [
        "A backlog of 460 domestic abuse cases is waiting.",
        "Of 460 domestic abuse cases, 120 were high risk.",
    ]
    idf = BM25Index([*texts, "Cases are classed by risk."]).idf
    question = analyse("How many of the domestic abuse cases were classed as high risk?")
    assert not question.answered_by(texts[0], idf)
    assert question.answered_by(texts[1], idf)


def test_who_wrote_it_is_answered_by_a_byline_not_by_a_deadline() -> None:
    texts = [
        "By His Majesty's Chief Inspector, Sir Edmund Larkhill",
        "By 30 June 2028, every chief constable should act.",
    ]
    idf = BM25Index([*texts, "This is my annual assessment, which I wrote."]).idf
    question = analyse("Who wrote the annual assessment?")
    assert question.answered_by(texts[0], idf)
    assert not question.answered_by(texts[1], idf)


@pytest.mark.parametrize(
    ("text", "answers"),
    [
        ("It is one of several outcome measures published by the Home Office.", False),
        ("No one was charged with an offence.", False),
        ("One in three victims withdrew their support.", True),
        ("One officer was dismissed.", True),
    ],
)
def test_one_as_a_pronoun_is_not_a_figure(text: str, answers: bool) -> None:
    question = analyse("What proportion of victims withdrew, or were officers dismissed?")
    assert question.holds_kind(text) is answers


def test_a_count_of_inspectors_or_forces_must_count_them() -> None:
    # the index drops "inspectors" and "forces" as too common to search by; a count keeps them
    asked = analyse("How many inspectors make up a typical inspection team?")
    assert not asked.holds_kind("The inspections assess all 43 police forces in England.")
    assert asked.holds_kind("A typical team has 12 inspectors and two analysts.")
    asked = analyse("How many forces does the programme cover?")
    assert asked.holds_kind("The programme covers 41 police forces in England and Wales.")
    assert not asked.holds_kind("The programme has 12 inspectors.")


def test_a_number_seen_to_count_the_thing_needs_one_more_word_of_the_focus() -> None:
    asked = analyse("Roughly how many wanted people was it failing to track down and arrest?")
    assert asked.counted == ("wanted", "people")  # "people" is a plural, "roughly" no focus
    idf = BM25Index(["fail track arrest wanted suspects", "officers people"]).idf
    assert asked.answered_by("Almost 1,900 wanted suspects had not been arrested.", idf)
    assert not asked.answered_by("The force has about 1,900 wanted suspects on file.", idf)


def test_a_change_does_not_say_how_big_a_thing_is() -> None:
    rose = "Its budget rose by £9.5 million this year."
    assert analyse("What is the force's total budget for this year?").kind == "amount"
    assert not analyse("What is the force's total budget for this year?").holds_kind(rose)
    assert analyse("How much did the budget rise this year?").holds_kind(rose)
    assert analyse("What is the force's budget?").holds_kind("Its budget is £276.4 million.")
    fell = "Detentions under the Act have fallen by 37 per cent."
    assert not analyse("How many people were detained under the Act?").holds_kind(fell)


def test_a_section_number_or_a_year_counts_nothing() -> None:
    asked = analyse("How many people did the force detain under s136?")
    assert not asked.holds_kind("People detained under section 136 of the Mental Health Act 1983")
    assert asked.holds_kind("It detained 412 people under section 136.")


def test_a_figure_at_the_last_inspection_needs_that_inspection() -> None:
    asked = analyse("What was the force's charge/summons rate at its last inspection?")
    assert asked.kind == "number"
    idf = BM25Index(["charge summons rate", "inspection"]).idf
    assert not asked.answered_by("Its charge or summons rate was 5 per cent in 2024.", idf)
    assert asked.answered_by(
        "Its charge or summons rate has fallen from 9 per cent at the last inspection.", idf
    )


def test_a_grade_at_the_last_inspection_needs_that_inspection() -> None:
    asked = analyse("Was its safeguarding grade an improvement on its previous inspection?")
    assert asked.kind == "grade"
    idf = BM25Index(["protecting vulnerable people", "inspection"]).idf
    assert not asked.answered_by("The force is good at protecting vulnerable people.", idf)
    assert asked.answered_by(
        "At its previous inspection the force was graded adequate at protecting vulnerable "
        "people; it is now good.",
        idf,
    )


def test_what_was_not_graded_is_said_only_by_a_sentence_saying_so() -> None:
    asked = analyse("Were any areas left without a grade?")
    idf = BM25Index(["graded leadership", "victims update"]).idf
    assert asked.answered_by("The inspectorate did not grade the force's leadership.", idf)
    assert not asked.answered_by("Too many victims are left without an update.", idf)
    assert not asked.answered_by("The force is good at leadership.", idf)
    assert not asked.holds_kind("Some victims were not assessed for risk at first contact.")
    assert not asked.holds_kind("Calls were not graded correctly by call handlers.")


def test_which_role_is_answered_by_a_name_holding_that_role() -> None:
    asked = analyse("Which police and crime commissioner is paying for the new detectives?")
    assert asked.kind == "person"
    assert not asked.holds_kind("Rosalind Achebe, chief executive of the charity, said so.")
    assert asked.holds_kind("The PCC, Graham Pettifer, is paying for them.")


def test_a_count_the_question_states_in_words_is_not_its_answer() -> None:
    asked = analyse("How many call handlers did it have before it took on the extra forty?")
    assert not asked.holds_kind("It has since recruited forty additional call handlers.")
    assert asked.holds_kind("It had 120 call handlers, and has recruited forty more.")
    of_them = analyse("How many of the twenty-five recommendations has it completed?")
    assert of_them.holds_kind("Twenty-one of the twenty-five recommendations are complete.")


def test_a_counted_modifier_no_document_uses_is_the_askers_own() -> None:
    asked = analyse("How many seized devices are waiting to be examined?")
    text = "More than 25,000 digital devices were waiting to be examined."
    assert asked.holds_kind(text, BM25Index(["digital devices examined"]).idf)
    assert not asked.holds_kind(text, BM25Index(["seized vehicles", "digital devices"]).idf)


def test_the_askers_own_errand_is_not_the_focus() -> None:
    asked = analyse("I'm briefing councillors: what were the failings in investigations?")
    assert "councillor" not in asked.focus and "brief" not in asked.focus


def test_extra_and_additional_count_the_same_thing() -> None:
    asked = analyse("How many extra detectives will the force recruit?")
    assert asked.holds_kind("It would recruit sixty additional detectives.")
    assert not asked.holds_kind("It would recruit sixty additional call handlers.")
    new_cases = analyse("How many new cases did the team take on last year?")
    assert not new_cases.holds_kind("The team had 2,000 open cases.")


def test_which_neighbouring_force_needs_the_force_named() -> None:
    asked = analyse("Which neighbouring force does it share its dogs with?")
    assert not asked.names_other_force(
        "The force works with a neighbouring force on dogs.", "Hollowmere Police"
    )
    assert asked.names_other_force("It shares dogs with Loamshire Police.", "Hollowmere Police")


def test_time_per_period_is_a_rate_not_how_long() -> None:
    sickness = "Sickness absence has risen to an average of 12.4 days a year."
    assert not analyse("How many weeks do officers wait for occupational health?").holds_kind(
        sickness
    )
    assert analyse("How many days a year are officers off sick?").holds_kind(sickness)
    assert analyse("How long do officers wait?").holds_kind("Officers wait 14 days for it.")
    assert analyse("How long does vetting take?").holds_kind("Vetting takes 12 weeks per officer.")


def test_a_role_asked_by_its_abbreviation_is_not_an_answer_to_who() -> None:
    asked = "Who is the county's PFCC?"
    assert not names_someone("The police, fire and crime commissioner has been asked.", asked)
    assert names_someone("The commissioner, Jane Okafor, welcomed the report.", asked)


def test_of_the_x_how_many_asks_a_part_of_x() -> None:
    asked = analyse("Of the staff whose vetting has lapsed, how many are in sensitive roles?")
    idf = BM25Index(["staff vetting lapsed sensitive roles", "expired clearance"]).idf
    assert not asked.answered_by("212 staff were working whose vetting had lapsed.", idf)
    assert not asked.answered_by(
        "Area for improvement 6 Staff should hold vetting at the level for their role in "
        "sensitive posts.",
        idf,
    )  # a finding's number is its name
    assert asked.answered_by("Of them, 31 staff were in sensitive roles.", idf)


def test_a_rate_is_answered_by_that_rate_among_the_things_asked() -> None:
    idf = BM25Index(["charge summons rate rape domestic abuse arrest", "crimes"]).idf
    asked = analyse("What's the force's charge rate for rape offences specifically?")
    assert not asked.answered_by("Its charge or summons rate was 6.9 per cent.", idf)
    assert not asked.answered_by("9 per cent of its rape investigations were held by novices.", idf)
    assert asked.answered_by("The charge rate for rape was 4 per cent.", idf)
    overall = analyse("What is the force's charge rate for crimes?")  # crimes in general
    assert overall.answered_by("Its charge or summons rate was 6.9 per cent.", idf)


def test_a_figure_per_something_is_answered_by_a_figure_of_that_something() -> None:
    idf = BM25Index(["officers sergeants supervise vetting chief crimes people"]).idf
    asked = analyse("How many officers per sergeant does the standard allow?")
    assert not asked.answered_by("Every chief constable should vet its 1,200 officers.", idf)
    assert asked.answered_by("Sergeants supervised as many as 15 officers each.", idf)
    # per person, per cent, per year: no one word has to be there
    crimes = analyse("How many crimes per 1,000 people were recorded?")
    assert crimes.answered_by("It recorded 74 crimes for every 1,000 residents.", idf)


def test_what_a_force_was_told_to_do_is_answered_by_what_it_should_do() -> None:
    asked = analyse("What has the inspectorate told the force to do about missing children?")
    idf = IDF
    assert asked.answered_by(
        "By 31 October 2024, the force should make sure every missing child is risk assessed.",
        idf,
    )
    assert asked.answered_by("We expect the force to review its missing children cases.", idf)
    assert not asked.answered_by("Some missing children were not looked for quickly.", idf)
    # what should have happened in a case is a finding, not a recommendation; nor praise,
    # a count of calls, or a report of recommendations met
    for finding in (
        "Two missing children should have been found sooner.",
        "The force should be commended for its work with missing children.",
        "The force received 1,200 calls on the 101 line about missing children.",
        "The force has implemented all the recommendations on missing children.",
    ):
        assert not asked.answered_by(finding, idf), finding


def test_which_forces_a_force_works_with_is_answered_by_another_force_named() -> None:
    asked = analyse("Which neighbouring forces does it work with?")
    force = "Cambridgeshire Constabulary"
    assert asked.names_other_force("It works with Bedfordshire Police and Herts.", force)
    assert not asked.names_other_force("The chief constable and his team work hard.", force)
    assert not asked.names_other_force("Cambridgeshire Constabulary works jointly.", force)
    assert not asked.names_other_force("Since Cambridgeshire Constabulary joined it.", force)
    assert not asked.names_other_force("The Police and Crime Commissioner chairs it.", force)
    assert not asked.names_other_force("The National Police Chiefs' Council agreed.", force)
    # one force asked about, or "force" as a modifier: not a question about other forces
    assert analyse("Which force does the chief constable lead?").names_other_force("X.", force)
    assert analyse("What force-wide training is there?").names_other_force("X.", force)
    assert analyse("What does it do about county lines?").names_other_force("None.", force)


def test_working_with_other_forces_is_answered_by_other_forces_not_other_partners() -> None:
    asked = analyse("How does the force work with neighbouring forces?")
    force = "Wessex Constabulary"
    assert not asked.names_other_force(
        "I commend its work with housing providers and with their neighbours.", force
    )
    assert not asked.names_other_force("Wessex Constabulary works with the council.", force)
    assert asked.names_other_force("It shares a firearms unit with Loamshire Police.", force)
    assert asked.names_other_force("It shares a dog unit with two neighbouring forces.", force)
    assert asked.names_other_force("A tri-force collaboration runs its firearms unit.", force)
    asked = analyse("What joint arrangements does it have with neighbouring police forces?")
    assert not asked.names_other_force("Its teams work closely with councils and schools.", force)


def test_which_forces_is_answered_by_forces_that_speak_of_it() -> None:
    asked = analyse("Which forces have trouble with vetting?")
    idf = dict.fromkeys(surface("vetting trouble demand the force"), 2.0)
    assert asked.picks_out_force("Its vetting backlog has grown to 900 files.", idf)
    assert not asked.picks_out_force("The force understands the demand it faces.", idf)
    # asking a kind of value (a grade, a number), the value's check decides instead
    graded = analyse("Which forces were graded inadequate at investigating crime?")
    assert graded.picks_out_force("The force understands the demand it faces.", idf)
    # not a "which forces" question: comparing forces on a theme quotes each one's best
    assert analyse("How do the forces compare on vetting?").picks_out_force("X.", idf)


def test_which_forces_is_answered_only_by_forces_named() -> None:
    asked = analyse("Which forces did the national report name as lacking vetting?")
    assert not asked.names_forces_asked("In six forces, we found staff without vetting.")
    assert asked.names_forces_asked("Since Kent Police and Essex Police lacked vetting, ...")
    for office in (
        "The National Police Chiefs' Council agreed.",
        "Many Police and Crime Commissioners agreed.",
        "The Special Constabulary grew.",
        "Home Office Police Grant rose.",
    ):
        assert not asked.names_forces_asked(office), office
    assert analyse("How many forces lacked vetting?").names_forces_asked("In six forces.")
    # "what do forces need to do": forces are not asked for
    what_to_do = analyse("What do forces need to do about online reporting?")
    assert what_to_do.names_forces_asked("Forces need to make sure nobody is left behind.")


def test_may_the_verb_is_no_date() -> None:
    assert analyse("How many may leave?").holds_kind("Some 40 may leave this year.")


def test_a_date_is_not_the_number_asked() -> None:
    asked = analyse("What caseload per investigator should the force aim for?")
    assert not asked.holds_kind("By 30 September 2026, the force should reduce caseloads.")
    assert asked.holds_kind("By 30 September 2026, it should hold caseloads to 12 each.")


def test_a_figure_asked_as_a_target_is_a_target() -> None:
    asked = analyse("What caseload has the force been told to get down to?")
    assert not asked.holds_kind("Detectives each held an average of 21 investigations.")
    assert not asked.holds_kind("Detectives each held at least 21 investigations.")
    assert asked.holds_kind("The force should reduce caseloads to no more than 12 each.")
    assert asked.holds_kind("It has a target of 12 investigations a detective.")
    # targets counted are not a target asked
    met = analyse("How many of its targets did the force meet?")
    assert met.holds_kind("The force met seven of its 12 targets.")
    # a figure not asked as a target is any figure of the thing
    assert analyse("What caseload do detectives carry?").holds_kind(
        "Detectives each held an average of 21 investigations."
    )


@pytest.mark.parametrize(
    ("question", "roles"),
    [
        ("What was the reaction of Ambleshire's PFCC to the inadequate rating?", {"commissioner"}),
        ("Did the chief constable accept the findings?", {"chief constable"}),
        ("Who is the chief constable, and did they accept the findings?", {"chief constable"}),
        ("How has the mayor responded to the report?", {"mayor"}),
        ("What did the inspector say about stop and search?", set()),  # the report's author
        ("What did the report say about the chief constable's plans?", set()),
        ("What is the view of inspectors on the commissioner's plan?", set()),
        ("What was the response of the county's police and crime commissioner?", {"commissioner"}),
    ],
)
def test_a_third_partys_words_are_asked(question: str, roles: set[str]) -> None:
    asked = analyse(question)
    assert asked.speakers == roles
    assert asked.kind != "grade"  # a reaction to a rating asks their words, not the grade


def test_a_share_of_something_else_does_not_answer_a_share_asked() -> None:
    texts = [
        "Officers spend around 40 per cent of their time guarding crime scenes.",
        "Only 62 per cent of victims were satisfied with how their crime was dealt with.",
    ]
    idf = BM25Index([*texts, "Victims are kept informed."]).idf
    question = analyse("What proportion of victims were happy with how their crime was handled?")
    assert population(question.text) == ("victim",)
    assert not question.answered_by(texts[0], idf)
    assert question.answered_by(texts[1], idf)


def test_a_sentence_on_the_askers_errand_is_not_the_focus() -> None:
    asked = analyse(
        "Our office is preparing a briefing for the panel. What deadlines has the "
        "inspectorate set the force for its safeguarding failings?"
    )
    assert asked.kind == "date"  # "deadlines", plural, asks dates
    assert not {"offic", "prepar", "brief", "panel"} & set(asked.focus)
    assert "seriou" in analyse("For a journalist: what is the most serious problem?").focus
    assert "journalist" not in analyse("For a journalist: what is the most serious problem?").focus


def test_a_recommendation_is_named_by_its_wording() -> None:
    text = "By 31 March 2026, the force should clear the backlog in its safeguarding hub."
    idf = BM25Index([text, "We made two recommendations.", "Data covers 2025."]).idf
    question = analyse("What are the deadlines in the recommendations, and what is each one for?")
    assert question.focus == ("recommendation",)  # "each one" names nothing
    assert question.answered_by(text, idf)
    assert not question.answered_by("The data covers the year to 31 March 2025.", idf)


def test_common_verbs_of_asking_are_not_a_focus() -> None:
    # a word any new document may use ("handed", "came") must not become a focus word
    for question in (
        "What's the headline grade the inspector handed the force?",
        "How many RSOs did the force have on its books when inspectors came in?",
        "What's the deadline the inspectorate set for the force to fix how it handles it?",
    ):
        assert not {"headlin", "hand", "came", "book", "set", "fix", "handl"} & set(
            analyse(question).focus
        ), question


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When the inspectors went in, how many visits were overdue?", "number"),
        ("When the report came out, did the force accept it?", None),
        ("When did the inspection start?", "date"),
        ("When will the plan be done, and who leads it?", "date"),
    ],
)
def test_a_when_clause_before_the_question_is_a_time_not_a_date_asked(
    question: str, kind: str | None
) -> None:
    assert analyse(question).kind == kind


def test_a_run_of_years_counts_years() -> None:
    asked = analyse("For how many years in a row has sickness absence gone up?")
    assert asked.holds_kind("Sickness absence rose for the third year running.")
    assert asked.holds_kind("Absence rose for a fifth consecutive year.")
    assert not asked.holds_kind("This is my third annual assessment.")


def test_where_the_answer_is_said_to_be_is_not_the_focus() -> None:
    asked = analyse("According to the chief inspector's annual assessment, how many left?")
    assert not {"chief", "annual", "assessment"} & set(asked.focus)
    asked = analyse("How much does it spend, according to the inspectorate's notes?")
    assert asked.focus == ("spend",)


def test_what_the_question_sets_aside_is_not_its_answer() -> None:
    texts = [
        "It shares firearms, dog and major crime units with Borsetshire Constabulary.",
        "The two forces also share a custody suite on the county border.",
    ]
    idf = BM25Index([*texts, "Major crime is investigated regionally."]).idf
    asked = analyse("Besides firearms, dogs and major crime, what else does it share?")
    assert not asked.answered_by(texts[0], idf)
    assert asked.answered_by(texts[1], idf)
    assert analyse("What does it share with its neighbour?").answered_by(texts[0], idf)


def test_a_cost_asked_without_how_much_is_an_amount() -> None:
    assert (
        analyse("What's the new occupational health contract costing the force?").kind == "amount"
    )
    assert analyse("What does the new system cost?").kind == "amount"


def test_a_figure_the_question_states_with_its_unit_is_not_its_answer() -> None:
    asked = analyse("How many extra offender managers will the £1.4m pay for?")
    assert not asked.holds_kind(
        "She has put aside £1.4 million to recruit extra offender managers."
    )
    assert asked.holds_kind("The £1.4 million will pay for 12 extra offender managers.")


def test_why_a_change_happened_needs_a_cause_not_a_date() -> None:
    asked = analyse("Why has the scrutiny panel stopped meeting?")
    assert not asked.holds_kind("The external scrutiny panel has not met since October 2024.")
    assert not asked.holds_kind("It has not met after the March 2024 inspection.")
    assert not asked.holds_kind("It has not met since the summer.")
    assert asked.holds_kind("The panel stopped meeting after its chair resigned.")


def test_outstanding_as_not_yet_done_asks_no_grade() -> None:  # found in review
    assert analyse("Which areas for improvement are still outstanding?").kind != "grade"
    assert analyse("Which areas of inadequate staffing did inspectors flag?").kind != "grade"
    assert analyse("In which parts of its work was it rated inadequate?").kind == "grade"


@pytest.mark.parametrize(
    ("text", "kept", "dropped"),
    [
        # the question a resident asked is not its answer
        ("A resident asked why the team had been cut.", "", "cut"),
        ("Cllr Rees asked how many officers were vetted; the PCC did not say.", "PCC", "vetted"),
        # the answer given in the same sentence stays
        ("A member asked why posts went, and the chief constable said 12 went.", "12", "posts"),
        # a survey's question opens the sentence: its result after the comma stays
        ("When we asked victims whether they were happy, 62 per cent said yes.", "62", "happy"),
        # a request is no question
        ("The force asked for 40 more detectives.", "40 more detectives", ""),
    ],
)
def test_a_question_the_document_reports_is_not_its_answer(
    text: str, kept: str, dropped: str
) -> None:
    rest = without_reported_questions(text)
    assert kept in rest
    assert not dropped or dropped not in rest


@pytest.mark.parametrize(
    ("question", "framed"),
    [
        ("According to the report what are the main concerns?", "According to the report"),
        ("What is the charge rate, according to the inspectors?", "according to the inspectors"),
        ("Our office is preparing a briefing for the panel. What grade?", "Our office"),
    ],
)
def test_where_the_answer_is_said_to_be_frames_the_question(question: str, framed: str) -> None:
    assert framed not in unframed(question)


@pytest.mark.parametrize(
    "question",
    [
        "How are cases allocated according to demand?",  # how, not where it is said
        "Do they prioritise according to risk?",
        # the asker's worry names what is asked about
        "Our safeguarding board is worried about missing children: what was found?",
    ],
)
def test_what_is_asked_is_no_framing(question: str) -> None:
    assert unframed(question) == question


def test_review_findings_on_years_questions_framing_and_causes() -> None:
    assert not analyse("What is the budget for financial year 2026/27?").answered_by(
        "The budget for 2025/26 is £80 million.", IDF
    )
    # "1,200" is no comma ending the survey's question
    assert not analyse("How many officers have been vetted?").answered_by(
        "When we asked whether 1,200 officers had been vetted, the force could not say.", IDF
    )
    assert (
        "putt"
        not in analyse(
            "I'm putting together a report for the police and crime panel. What is the backlog?"
        ).focus
    )
    assert unframed("Are cases triaged according to the THRIVE assessment?").endswith(
        "THRIVE assessment?"
    )
    asked = analyse("Why has the scrutiny panel stopped meeting?")
    assert asked.holds_kind("It stopped meeting after the last chair resigned.")
    # a deputy chief constable is not the chief constable
    asked = analyse("Who is the chief constable?")
    assert not asked.answered_by("Deputy Chief Constable Sam Reid leads on vetting.", IDF)
    assert asked.answered_by("Chief Constable Nadia Kerrigan leads the force.", IDF)


def test_a_figure_per_period_needs_that_period_and_an_extreme_needs_one_stated() -> None:
    asked = analyse("Roughly how many crimes a year is the force failing to record?")
    sample = "We examined 412 incident records from November and December 2025 and 60 crimes."
    assert not asked.answered_by(sample, IDF)  # a sample, not a yearly figure
    assert asked.answered_by("More than 11,000 reported crimes a year were not recorded.", IDF)
    asked = analyse("How long had the oldest referral been waiting?")
    assert not asked.answered_by("Some referrals had waited for more than a month.", IDF)
    assert asked.answered_by("The oldest referral had been waiting for 23 days.", IDF)
    # "yearly review" is no rate; a second question's extreme does not bind the first
    asked = analyse("In the yearly review, how many forces had a costed savings plan?")
    assert asked.answered_by("The review found 14 forces had a costed plan for savings.", IDF)
    asked = analyse("How many referrals were waiting, and how long had the oldest waited?")
    assert asked.answered_by("The hub had a backlog of 640 referrals waiting.", IDF)


def test_when_the_inspectors_arrived_frames_a_figure_but_arriving_can_be_asked() -> None:
    assert "arriv" in analyse("How long did it take officers to arrive at emergencies?").focus
    asked = analyse("How many home visits were behind schedule when inspectors arrived?")
    assert not any(u.startswith("arriv") or u.startswith("inspector") for u in asked.focus)


def test_a_share_a_group_or_a_deadline_asked_must_be_the_one_stated() -> None:
    # a share of risk assessments is not a share of visits
    asked = analyse("What percentage of the visits to sex offenders were overdue?")
    assert not asked.answered_by(
        "There were 312 overdue visits. About one in four of the risk assessments was late.", IDF
    )
    assert asked.answered_by("About 27 per cent of the visits to sex offenders were overdue.", IDF)
    # a count of all stop and searches is not a count of those on black people
    asked = analyse("How many stop and searches did officers carry out on black people?")
    assert not asked.answered_by("The force carried out 2,944 stop and searches.", IDF)
    # a period's end is not a deadline
    asked = analyse("By what date does the force have to cut abandoned 101 calls?")
    assert asked.kind == "date"
    assert not asked.answered_by(
        "In the year to 31 March 2025, 17 per cent of 101 calls were abandoned.", IDF
    )
    assert asked.answered_by("By 30 September 2026, it should cut abandoned 101 calls.", IDF)


def test_why_a_number_changed_needs_a_cause_of_that_change() -> None:
    asked = analyse("Why has the force ended up with fewer PCSOs than three years ago?")
    assert not asked.holds_kind(
        "ASB fell by 26 per cent after it introduced joint patrols. The force now has 172 "
        "PCSOs, compared with 231 three years ago."
    )
    assert asked.holds_kind("The force has fewer PCSOs because it cut 60 posts to save money.")


def test_second_review_findings_hold() -> None:
    # a cause in the sentence after the change, referring back, is its cause
    asked = analyse("Why has the backlog grown?")
    assert asked.holds_kind(
        "The backlog has grown to 640. This is largely due to a staff shortage."
    )
    assert not asked.holds_kind("The backlog has grown since the last PEEL inspection.")
    assert not asked.holds_kind("The backlog has grown since last April.")
    # "74 per cent of them": a share whose object refers back is of what was named
    asked = analyse("What proportion of victims were satisfied?")
    assert asked.answered_by("It surveyed 500 victims and 74 per cent of them were satisfied.", IDF)
    # a whole year stated another way is a yearly figure; a highest grade is no extreme
    asked = analyse("How many crimes a year does the force record?")
    assert asked.answered_by("The force recorded 98,400 crimes in 2024/25.", IDF)
    asked = analyse("How many forces got the highest grade?")
    assert asked.answered_by("Two forces were graded outstanding.", IDF)
    # a question about a panel keeps the panel
    assert (
        "panel" in analyse("My question is about the scrutiny panel: when did it last meet?").focus
    )
    # the group asked is told apart from a count of everyone
    asked = analyse("How many stop and searches did officers carry out on black people?")
    everyone = "Officers carried out 2,944 stop and searches on people."
    idf = BM25Index([everyone, "Black people were 5.2 times more likely to be searched."]).idf
    assert not asked.answered_by(everyone, idf)


def test_an_evaluative_superlative_is_not_the_topic() -> None:
    # "worst" asks the kind's extreme (the lowest grade), and is no word the answer needs
    assert not {"worst", "best"} & set(analyse("What's the worst grade the force got?").focus)
    assert "weakest" not in analyse("What is the force's weakest area?").focus
