"""Answer composition: the sentence that carries the fact, joined with its lead or
continuation when it needs one, quoted verbatim; never more than the answer needs."""

from __future__ import annotations

from dataclasses import replace

from rag.answer.compose import described_next, spans_for
from rag.answer.offline import choose, shown
from rag.index.sentence_vectors import quotable_spans
from rag.retrieve.evidence import Sentence
from rag.retrieve.search import Passage

TEXT = (
    "I am concerned about the force's ability to identify risks to its integrity. "
    "This is limited by the capacity of the units it shares with two other forces. "
    "The force answers most calls quickly.\n\n"
    "Inspectors found that the force:\n"
    "- has reduced open investigations from 19 to 12 in two years;\n"
    "- has a backlog of 460 domestic abuse cases awaiting review; and\n"
    "- good at managing offenders.\n\n"
    "Its counter-corruption unit has only one investigator. "
    "As a result, the force cannot be confident that it would identify corrupt staff. "
    "This is a cause of concern."
)


def _sentences(best_first: list[str], text: str = TEXT) -> list[Sentence]:
    passage = Passage("c1", text, {"document_id": "d1", "force": "Wessex Constabulary"})
    spans = {text[s:e]: (s, e) for s, e in quotable_spans(text)}
    out = []
    for rank, text in enumerate(best_first):
        start, end = next(v for k, v in spans.items() if k.startswith(text))
        out.append(Sentence(passage, start, end, similarity=1.0 - rank * 0.01))
    return out


def test_a_why_question_gets_the_sentence_that_gives_the_reason() -> None:
    sentences = _sentences(["I am concerned about the force's ability"])
    (chosen,) = choose(sentences, 0.1, False, "Why can it not identify integrity risks?")
    assert chosen.text.startswith("I am concerned") and "This is limited by" in chosen.text


def test_a_list_item_is_quoted_with_its_lead_in_only_when_it_needs_it() -> None:
    sentences = _sentences(["- good at managing offenders"])
    (chosen,) = choose(sentences, 0.1, False, "How is it graded for managing offenders?")
    assert chosen.text == "- good at managing offenders."  # the grade is in the item
    assert shown(chosen.text) == "good at managing offenders."


def test_a_figure_in_another_item_of_the_same_list_is_not_the_answer() -> None:
    sentences = _sentences(["Inspectors found that the force:"])
    question = "How long have domestic abuse cases in the backlog waited?"
    assert choose(sentences, 0.1, False, question, {"backlog": 2.0, "domest": 2.0}) == []


def test_a_bare_this_is_sentence_is_quoted_with_what_it_refers_to() -> None:
    sentences = _sentences(["This is a cause of concern."])
    (chosen,) = choose(sentences, 0.1, False, "What is the cause of concern?")
    assert chosen.text.startswith("Its counter-corruption unit has only one investigator.")
    assert chosen.text.endswith("This is a cause of concern.")
    assert chosen.text in TEXT  # one verbatim stretch of the passage


def test_a_quoted_sentence_is_joined_with_who_said_it_for_a_who_question() -> None:
    text = (
        'Matt Greaves, chair of the federation, said: "This report confirms our fears. '
        'Officers are exhausted, and workloads are too high."'
    )
    passage = Passage("c2", text, {"document_id": "d2", "force": "Northmoor Police"})
    start = text.index("Officers are exhausted")
    end = text.index('high."') + len('high."')
    sentence = Sentence(passage, start, end, similarity=1.0)
    (chosen,) = choose([sentence], 0.1, False, "Who said officers are exhausted?")
    assert chosen.text.startswith("Matt Greaves") and chosen.text.endswith('high."')


def test_a_numbered_finding_is_quoted_with_its_heading() -> None:
    text = (
        "Area for improvement 6\n\nThe force should answer 101 calls more quickly.\n\n"
        "Area for improvement 7\n\nThe force should complete disclosure applications in 28 days."
    )
    passage = Passage("c2", text, {"document_id": "d2", "force": "Wessex Constabulary"})
    sentences = [
        Sentence(passage, s, e, similarity=1.0 - n * 0.01)
        for n, (s, e) in enumerate(quotable_spans(text))
        if text[s:e].startswith("The force")
    ]
    (chosen,) = choose(sentences, 0.1, False, "What's AFI 7 about?")
    assert chosen.text.startswith("Area for improvement 7") and "28 days" in chosen.text
    assert not choose(sentences, 0.1, False, "What does area for improvement 9 say?")


def test_a_why_question_whose_best_answer_says_nobody_knows_why_is_not_answered() -> None:
    text = (
        "The force does not fully understand why one in eight student officers left. "
        "Many officers told us that their workloads were unmanageable."
    )
    sentences = _sentences(["The force does not fully", "Many officers told"], text)
    assert choose(sentences, 0.1, False, "Why are so many trainee constables leaving?") == []
    known = _sentences(["Many officers told"], text)
    assert choose(known, 0.1, False, "Why are so many officers struggling with workloads?")


def test_a_pronoun_subject_after_an_opening_phrase_is_quoted_with_what_it_refers_to() -> None:
    text = (
        "Callers to the 101 non-emergency number fared worse. "
        "According to figures the force gave us, they waited an average of 14 minutes."
    )
    sentences = _sentences(["According to figures"], text)
    question = "On average how long were people kept waiting on the non-emergency line?"
    idf = {"emergency": 2.0, "non": 1.0, "line": 1.0, "averag": 1.0}
    (chosen,) = choose(sentences, 0.1, False, question, idf)
    assert chosen.text == text  # "they" are the 101 callers: the sentence before says so


PLAN = (
    "The force has a plan, which it calls Project Lantern, to improve its control room. "
    "The plan includes recruiting 60 new call handlers by March 2026. "
    "The force answers most calls quickly."
)


def test_a_thing_introduced_is_quoted_with_the_sentence_describing_it() -> None:
    sentences = _sentences(["The force has a plan"], PLAN)
    (chosen,) = choose(sentences, 0.1, False, "What is the force's control room plan?")
    assert chosen.text.startswith("The force has a plan")
    assert chosen.text.endswith("recruiting 60 new call handlers by March 2026.")
    # a date asked that the introduction holds: never more than the answer needs
    dated = PLAN.replace("control room.", "control room by 2027.")
    (when,) = choose(_sentences(["The force has a plan"], dated), 0.1, False, "By when?")
    assert when.text.endswith("control room by 2027.")
    # named again only as "the force", which every sentence names: not a thing introduced
    assert not described_next("The force has a plan.", "The force answers calls quickly.")
    assert described_next(
        "It set up an investigation standards unit, led by X.", "The unit audits."
    )


def test_a_short_headline_is_quoted_with_the_specifics_that_follow_it() -> None:
    text = (
        "The force cares about the wellbeing of its workforce. It has trained 35 wellbeing "
        "champions and screens officers in high-risk roles. Sickness absence is falling."
    )
    sentences = _sentences(["The force cares about"], text)
    (chosen,) = choose(sentences, 0.1, False, "What is the force doing for its staff's welfare?")
    assert chosen.text.endswith("screens officers in high-risk roles.")
    # a headline with no specifics after it stands alone
    plain = text.replace("It has trained 35", "It has trained many")
    (alone,) = choose(_sentences(["The force cares about"], plain), 0.1, False, "Welfare?")
    assert alone.text == "The force cares about the wellbeing of its workforce."


NUMBERED_LIST = (
    "Among the report's main findings:\n\n"
    "1. Almost 1,900 wanted suspects had not been arrested.\n\n"
    "2. The force was short of 120 detectives.\n\n"
    "Inspectors found that supervision was poor."
)


def test_a_lead_in_is_never_quoted_without_its_numbered_list() -> None:
    # a numbered list's "1." is left out of its item's span, yet the items are its list
    sentences = _sentences(["Among the report's main findings:"], NUMBERED_LIST)
    (chosen,) = choose(sentences, 0.1, False, "What were the headline failings?")
    assert chosen.text.startswith("Among the report's main findings:")
    assert "1,900 wanted suspects" in chosen.text and "120 detectives" in chosen.text
    assert "supervision was poor" not in chosen.text


def test_a_numbered_item_is_quoted_with_its_lead_in_when_it_needs_it() -> None:
    sentences = _sentences(["The force was short of 120 detectives."], NUMBERED_LIST)
    (chosen,) = choose(sentences, 0.1, False, "What did the report find?")
    assert chosen.text == "The force was short of 120 detectives."


SPOKEN = (
    "Ambleshire Constabulary has been rated inadequate at investigating crime. "
    "The county's police, fire and crime commissioner has been asked to comment. "
    'Chief Constable Mark Tennant said: "We accept the findings in full. '
    'We have already put 85 more detectives into a new hub."'
)


def _spoken(best_first: list[str]) -> list[Sentence]:
    return _sentences(best_first, SPOKEN)


def test_a_third_partys_reaction_is_answered_only_by_their_attributed_words() -> None:
    rated = "Ambleshire Constabulary has been rated"
    asked = "The county's police, fire and crime"
    question = "What was the reaction of Ambleshire's police, fire and crime commissioner?"
    assert choose(_spoken([rated, asked]), 0.1, False, question) == []  # asked is no reaction
    question = "How did the chief constable respond to the inadequate rating?"
    (chosen,) = choose(_spoken([rated, "We have already put"]), 0.1, False, question)
    assert chosen.text.startswith("We have already put")  # "Chief Constable ... said:" before
    # what the inspector said is the report's own words: no speaker is needed
    (chosen,) = choose(_spoken([rated]), 0.1, False, "What did the inspector say about it?")
    assert chosen.text.startswith(rated)


def test_how_a_change_came_about_is_answered_only_by_a_worded_cause() -> None:
    text = (
        "We have moved extra staff into the safeguarding hub, and the backlog is falling. "
        "Inspectors found 845 referrals waiting. Children may not have been protected as a "
        "result.\n\nThe backlog built up because the hub lost a third of its staff in 2025."
    )
    question = "Why did the hub's backlog pile up in the first place?"
    remedy, size, consequence = "We have moved", "Inspectors found 845", "Children may not"
    assert choose(_sentences([remedy, size, consequence], text), 0.1, False, question) == []
    (chosen,) = choose(_sentences([remedy, "The backlog built up"], text), 0.1, False, question)
    assert chosen.text.startswith("The backlog built up")
    # a judgement's grounds need no causal word: any finding may be the reason
    (chosen,) = choose(_sentences([size], text), 0.1, False, "Why are inspectors worried?")
    assert chosen.text.startswith(size)


def test_a_question_the_document_asks_is_never_quoted_as_an_answer() -> None:
    text = (
        "PRESENTER: That's the top grade, isn't it? "
        "INSPECTOR SALTONSTALL: It is. The force is outstanding at supporting its workforce."
    )
    # a question asking no kind of value: only the question check keeps the presenter out
    asked = "Is supporting its workforce the force's strongest area?"
    chosen = choose(_sentences(["PRESENTER: That's", "The force is"], text), 0.1, False, asked)
    assert [c.text for c in chosen] == ["The force is outstanding at supporting its workforce."]


def test_a_quotation_opened_before_a_sentence_is_quoted_with_its_speaker() -> None:
    text = (
        'Chief Constable Mark Tennant said: "We accept the findings in full. '
        'We have already put 85 more detectives into a new hub." '
        "The chief constable said that 1,140 officers were trained. Morale among the "
        "response officers is very low."
    )
    spans = [c.span.text for c in spans_for(_sentences(["We have already put"], text)[0])]
    assert any(t.startswith("Chief Constable Mark Tennant said:") for t in spans)
    # a report of speech that is whole introduces nothing after it
    spans = [c.span.text for c in spans_for(_sentences(["Morale among"], text)[0])]
    assert not any(t.startswith("The chief constable said") for t in spans)


def test_a_figure_the_best_evidence_says_is_not_known_is_not_answered() -> None:
    text = (
        "The force does not currently know how often force is used against children. "
        "It has trained 35 wellbeing champions for officers working with children."
    )
    unknown, nearby = "The force does not", "It has trained 35"
    question = "How often do officers use force on children?"
    assert choose(_sentences([unknown, nearby], text), 0.1, False, question) == []
    spoken = "INSPECTOR: I don't have that figure. Reoffending fell by 120 cases."
    question = "How many people reoffended?"
    assert (
        choose(_sentences(["INSPECTOR: I don't", "Reoffending fell"], spoken), 0.1, False, question)
        == []
    )
    # a question asking no figure is still answered by what the evidence says
    (chosen,) = choose(_sentences([unknown], text), 0.1, False, "What about force on children?")
    assert chosen.text.startswith(unknown)


def test_a_why_is_joined_with_the_next_sentence_of_its_paragraph_when_that_gives_it() -> None:
    text = (
        "We didn't grade protecting vulnerable people in this inspection. Vulnerability is "
        "being looked at in a joint inspection later this year, so I won't pre-empt that.\n\n"
        "The force answers calls quickly."
    )
    question = "Why wasn't it given a grade for protecting vulnerable people?"
    (chosen,) = choose(_sentences(["We didn't grade"], text), 0.1, False, question)
    assert chosen.text.endswith("so I won't pre-empt that.")
    # another kind of question is not given the next sentence
    (chosen,) = choose(_sentences(["We didn't grade"], text), 0.1, False, "Which areas?")
    assert chosen.text == "We didn't grade protecting vulnerable people in this inspection."


def test_an_outcome_the_best_evidence_calls_unknown_is_not_answered_yes_or_no() -> None:
    text = (
        "It has trained 35 wellbeing champions for officers in high-risk roles. "
        "I will be interested to see whether this reduces the days lost to sickness."
    )
    sentences = _sentences(["It has trained 35", "I will be interested"], text)
    assert choose(sentences, 0.1, False, "Has the champions scheme cut sick days?") == []
    (chosen, *_) = choose(sentences, 0.1, False, "How many wellbeing champions are there?")
    assert chosen.text.startswith("It has trained 35")


def test_a_question_the_document_reports_is_not_its_own_answer() -> None:
    text = (
        "A resident of Northwold asked why the rural crime team had been cut to five. "
        "The Commissioner replied that three posts had moved into the new rural crime hub."
    )
    question = "Why has the Northwold rural crime team been cut to five?"
    alone = "A resident of Northwold asked why the rural crime team had been cut to five.\n\n"
    assert choose(_sentences(["A resident"], alone + "Crime fell."), 0.1, False, question) == []
    (chosen,) = choose(_sentences(["A resident", "The Commissioner"], text), 0.1, False, question)
    assert chosen.text.endswith("three posts had moved into the new rural crime hub.")


def test_not_enough_evidence_to_judge_an_outcome_is_not_a_yes_or_no() -> None:
    text = (
        "The force opened its hub in August 2025, weeks before our fieldwork, so we did not "
        "have enough evidence to judge its effect. 880 devices were waiting."
    )
    sentences = _sentences(["The force opened", "880 devices"], text)
    assert choose(sentences, 0.1, False, "Has the new hub brought the backlog down?") == []


def test_review_fixes_an_unknown_of_another_thing_and_a_figure_asked_politely() -> None:
    # found in review: a figure not known about victims says nothing of officer numbers
    text = (
        "The force does not know how many victims withdraw.\n\n"
        "It has 1,840 police officers and 210 community support officers."
    )
    sentences = _sentences(["The force does not", "It has 1,840"], text)
    idf = {"officer": 2.0, "victim": 2.0}
    (chosen,) = choose(sentences, 0.1, False, "How many police officers does it have?", idf)
    assert "1,840 police officers" in chosen.text
    # a figure asked with "Can you tell me ...?" is no yes/no question about an outcome
    text = "It has trained 35 wellbeing champions. It is too early to say whether they help."
    sentences = _sentences(["It has trained", "It is too early"], text)
    (chosen, *_) = choose(sentences, 0.1, False, "Can you tell me how many champions it trained?")
    assert chosen.text.startswith("It has trained")


def test_an_unsettled_outcome_a_little_below_the_best_still_leaves_a_yes_no_unanswered() -> None:
    text = (
        "Callers to the 101 non-emergency number are not served so well: 23 per cent of "
        "calls were abandoned before they were answered. The force has introduced a "
        "call-back service, and I will be interested to see whether it makes a difference."
    )
    sentences = _sentences(["Callers to the 101", "The force has introduced"], text)
    sentences[1] = replace(sentences[1], similarity=sentences[0].similarity - 0.2)
    asked = "Has the new call-back service cut the number of abandoned 101 calls?"
    assert choose(sentences, 0.1, False, asked) == []


def test_a_person_the_best_evidence_says_is_not_named_is_not_answered() -> None:
    text = (
        "One woman from Hexley, who asked not to be named, told the Courier that officers "
        "had left without arresting her partner. HM Inspector Alastair Quayle said the force "
        "lets too many victims down."
    )
    sentences = _sentences(["One woman from Hexley", "HM Inspector Alastair"], text)
    asked = "What is the name of the Hexley woman who spoke to the Courier?"
    assert choose(sentences, 0.1, False, asked) == []


def test_an_outcome_stated_with_its_figure_answers_despite_something_unsettled() -> None:
    text = (
        "The force has reduced the number of abandoned 101 calls from 23 per cent to 9 per "
        "cent. It has also introduced an online reporting tool for 101 callers, and it is "
        "too early to say whether it will be used widely."
    )
    sentences = _sentences(["The force has reduced", "It has also introduced"], text)
    sentences[1] = replace(sentences[1], similarity=sentences[0].similarity - 0.2)
    (chosen,) = choose(sentences, 0.1, False, "Has the force reduced abandoned 101 calls?")
    assert chosen.text.startswith("The force has reduced")


def test_a_reporters_claim_in_a_press_conference_is_not_quoted() -> None:
    text = (
        "REPORTER (Radio Marl Valley): The force does thousands of searches a year, so more "
        "than 1,600 people were searched unlawfully last year.\n"
        "HM INSPECTOR JANE OKAFOR: No. We found the grounds were weak in 61 of 200 records."
    )
    asked = "How many people were searched unlawfully last year?"
    chosen = choose(_sentences(["REPORTER (Radio", "We found"], text), 0.1, False, asked)
    assert not any("1,600" in c.text for c in chosen)
    # "He would not say whether ...": a yes/no left open
    text = "He would not say whether the force will be placed in Engage, the monitoring process."
    asked = "Will the force be put into enhanced monitoring?"
    assert choose(_sentences(["He would not say"], text), 0.1, False, asked) == []


def test_a_figure_a_correction_withdraws_is_not_quoted_and_the_correction_is_whole() -> None:
    from rag.answer.values import withdrawn_figures

    text = (
        "Correction: in our 8.20am post we said that 40 per cent of crimes were closed "
        "within 24 hours. The report says 34 per cent.\n\n"
        "The report says 40 per cent of crimes reported to the force were closed within 24 "
        "hours, many of them without the victim being spoken to."
    )
    assert withdrawn_figures(text) == {"40 per cent"}  # not the 24 hours it speaks of
    sentences = _sentences(["The report says 40", "Correction: in our"], text)
    asked = "Is it right that four in ten crimes were closed within a day?"
    chosen = choose(sentences, 0.1, False, asked, document_text=lambda _: text)
    assert chosen[0].text.startswith("Correction:") and chosen[0].text.endswith("34 per cent.")
    assert not any(c.text.startswith("The report says 40") for c in chosen)
