# ruff: noqa: E501  (one case per entry; questions and quotes read better unwrapped)
"""Check the cases over the two long fictional PEEL reports (issue 17), the ``lr-`` cases
of ``evals/datasets/reference.jsonl``; ``--out FILE`` also writes them as JSONL.

Run: ``.venv/bin/python evals/long_report/make_long_report_cases.py`` (needs only the
runtime dependencies). It checks every gold quote and stops on the problems it finds:

- a PDF quote printed as running text must be in the text pypdf extracts from one page
  (whitespace collapsed) and on no other page, so it crosses no page break and no
  hyphenated line end (those read "inves- tigation" once whitespace is collapsed); a quote
  the PDF reader composes, a table row ("Investigating crime: Inadequate", printed as two
  cells), must be once in the reader's text, on a page whose pypdf text holds its words;
  the script fills in the ``page`` of each PDF gold passage itself;
- an HTML quote must be a byte-for-byte substring of the file and of the text
  ``rag.documents.loading.read_text`` extracts (so it sits inside one element);
- every quote must pass ``rag eval``'s own check (normalised substring of read_text);
- ids unique and prefixed ``lr-``; unanswerable cases have no gold passages or key facts;
  each key fact appears in the reference answer;
- the ``lr-`` cases in ``reference.jsonl`` are these cases, field for field (pages and
  split included).

The split is random with a fixed seed, stratified by answerable / unanswerable: half of
each group is ``split:held-out``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from rag.answer.citations import normalise  # noqa: E402
from rag.core.types import page_at  # noqa: E402
from rag.documents.loading import read_document, read_text  # noqa: E402
from rag.documents.structure import parse_document  # noqa: E402

CORPUS = ROOT / "rag/evaluation/shipped/corpus"
REFERENCE = ROOT / "rag/evaluation/shipped/datasets/reference.jsonl"
PDF = "wyvernshire-constabulary-peel-report-fictional.pdf"
HTML = "hollowmere-police-peel-report-fictional.html"
W = "Wyvernshire Constabulary"
H = "Hollowmere Police"
SEED = 17
GENRE = "genre:long-report"


def case(id_, question, force, answer, facts, quotes, theme, kind, trap=False, history=()):
    """quotes: list of (source, quote); empty for an unanswerable case."""
    tags = [f"theme:{theme}", f"kind:{kind}", GENRE]
    if trap:
        tags.append("trap:topical")
    return {
        "id": id_,
        "question": question,
        "force": force,
        "reference_answer": answer,
        "key_facts": list(facts),
        "gold_passages": [{"source": s, "quote": q} for s, q in quotes],
        "answerable": kind != "unanswerable",
        "tags": tags,
        "history": [{"role": r, "content": c} for r, c in history],
    }


P, T = PDF, HTML
CASES = [
    # --- Wyvernshire Constabulary (PDF) -------------------------------------------------
    case("lr-w-001", "How did the inspectorate rate the force's investigations?", W,
         "Inadequate: Wyvernshire Constabulary is inadequate at investigating crime.",
         ["inadequate"], [(P, "Wyvernshire Constabulary is inadequate at investigating crime.")],
         "investigation", "judgement"),
    case("lr-w-002", "What grade did Wyvernshire Constabulary get for stopping crime before it happens?", None,
         "Outstanding: the force is outstanding at preventing crime and anti-social behaviour.",
         ["outstanding"], [(P, "Wyvernshire Constabulary is outstanding at preventing crime and anti-social behaviour.")],
         "prevention", "judgement"),
    case("lr-w-003", "Our panel wants to know how the force was graded on dealing with calls and getting to incidents.", W,
         "Requires improvement: Wyvernshire Constabulary requires improvement at responding to the public.",
         ["requires improvement"], [(P, "Wyvernshire Constabulary requires improvement at responding to the public.")],
         "demand", "judgement"),
    case("lr-w-004", "What judgement did Wyvernshire receive on protecting people at risk?", None,
         "Requires improvement at protecting vulnerable people.",
         ["requires improvement"], [(P, "Wyvernshire Constabulary requires improvement at protecting vulnerable people.")],
         "vulnerability", "judgement"),
    case("lr-w-005", "How well does the force manage offenders and suspects, grade-wise?", W,
         "Adequate: Wyvernshire Constabulary is adequate at managing offenders and suspects.",
         ["adequate"], [(P, "Wyvernshire Constabulary is adequate at managing offenders and suspects.")],
         "offenders", "judgement"),
    case("lr-w-006", "Is the force rated well for how it treats its own officers and staff?", W,
         "Yes: it is good at building, supporting and protecting its workforce.",
         ["good"], [(P, "Wyvernshire Constabulary is good at building, supporting and protecting its workforce.")],
         "wellbeing", "judgement"),
    case("lr-w-007", "Give me all of Wyvernshire Constabulary's PEEL grades in one list.", None,
         "Police powers and public treatment: Good; Preventing crime: Outstanding; Responding to the public: Requires improvement; Investigating crime: Inadequate; Protecting vulnerable people: Requires improvement; Managing offenders and suspects: Adequate; Building, supporting and protecting the workforce: Good; Leadership and force management: Adequate.",
         ["Outstanding", "Inadequate", "Adequate"],
         [(P, "Police powers and public treatment: Good"),
          (P, "Investigating crime: Inadequate"),
          (P, "Leadership and force management: Adequate")],
         "overall", "list"),
    case("lr-w-008", "What is the cause of concern in the Wyvernshire report?", None,
         "The force is not investigating crime effectively: too many investigations are not carried out to a good standard, are not properly supervised and do not result in the best outcome for the victim.",
         ["not investigating crime effectively"], [(P, "The force is not investigating crime effectively.")],
         "investigation", "fact"),
    case("lr-w-009", "By what date does the force have to make sure cases go to investigators with the right skills and capacity?", W,
         "By 31 March 2026.",
         ["31 March 2026"], [(P, "By 31 March 2026, the force should make sure that investigations are allocated to investigators who have the right skills, experience and capacity to carry them out.")],
         "investigation", "fact"),
    case("lr-w-010", "Which of the recommendations have a September 2026 deadline?", W,
         "Two, due by 30 September 2026: reduce the number of investigations each CID investigator holds to a level it can show is manageable, and make sure victims are kept informed in line with the Victims' Code.",
         ["30 September 2026", "manageable", "kept informed"],
         [(P, "By 30 September 2026, the force should reduce the number of investigations held by each investigator in its criminal investigation department to a level it can show is manageable."),
          (P, "By 30 September 2026, the force should make sure that victims are kept informed about their investigation in line with the Code of Practice for Victims of Crime.")],
         "investigation", "list"),
    case("lr-w-011", "How soon after allocation do supervisors have to review an investigation under the new recommendation?", W,
         "Within 7 days of allocation, with a clear investigation plan and a recorded review; the recommendation is due by 31 March 2026.",
         ["7 days"], [(P, "By 31 March 2026, the force should make sure that supervisors review every investigation within 7 days of allocation, set a clear investigation plan and record their reviews.")],
         "investigation", "number"),
    case("lr-w-012", "What does area for improvement 2 ask Wyvernshire to do?", None,
         "Answer emergency and non-emergency calls promptly, in line with national standards, and reduce the number of non-emergency calls that callers abandon.",
         ["national standards", "abandon"], [(P, "The force should make sure that it answers emergency and non-emergency calls promptly, in line with national standards, and that it reduces the number of non-emergency calls that callers abandon.")],
         "demand", "fact"),
    case("lr-w-013", "What's AFI 7 about?", W,
         "The domestic violence disclosure scheme: the force should complete applications within the 28 days set out in national guidance (it took an average of 52 days).",
         ["28 days"], [(P, "The force should complete applications under the domestic violence disclosure scheme within the 28 days set out in national guidance.")],
         "vulnerability", "fact"),
    case("lr-w-014", "Is there an area for improvement on sex offender management, and which number is it?", W,
         "Yes, area for improvement 9: visit registered sex offenders and complete their risk assessments within the timescales in national guidance.",
         ["9", "registered sex offenders"], [(P, "The force should make sure that it visits registered sex offenders and completes their risk assessments within the timescales set out in national guidance.")],
         "offenders", "fact"),
    case("lr-w-015", "What share of 999 calls did Wyvernshire pick up within ten seconds, and what's the target?", None,
         "71.4 per cent of emergency calls were answered within 10 seconds; the national standard is 90 per cent.",
         ["71.4 per cent", "90 per cent"], [(P, "It answered 71.4 per cent of emergency calls within 10 seconds. The national standard is 90 per cent.")],
         "demand", "number"),
    case("lr-w-016", "What proportion of 101 callers hung up before getting through?", W,
         "19.8 per cent of non-emergency calls were abandoned before the force answered.",
         ["19.8 per cent"], [(P, "abandoned before the force answered was 19.8 per cent")],
         "demand", "number"),
    case("lr-w-017", "How far has the charge rate fallen?", W,
         "The charge or summons rate fell from 6.8 per cent in the year to 31 December 2022 to 5.1 per cent in the year to 31 December 2024.",
         ["5.1 per cent", "6.8 per cent"], [(P, "The proportion of investigations that ended with a charge or summons was 5.1 per cent in the year to 31 December 2024. It was 6.8 per cent in the year to 31 December 2022.")],
         "investigation", "number"),
    case("lr-w-018", "How many open cases were Wyvernshire's investigators carrying, and how many per detective?", None,
         "18,400 open investigations; detectives in CID held an average of 21 each, some more than 35.",
         ["18,400", "21"], [(P, "At the time of our inspection, the force had 18,400 open investigations."),
          (P, "Detectives in its criminal investigation department each held an average of 21 investigations")],
         "investigation", "number"),
    case("lr-w-019", "What is the force's budget and how big is the funding gap it expects?", W,
         "A net revenue budget of £412.6 million for 2025/26, and a forecast funding gap of £18.3 million by 2027/28 (savings plans meet £11.7 million of it).",
         ["£412.6 million", "£18.3 million"], [(P, "The force's net revenue budget for 2025/26 is £412.6 million."),
          (P, "it forecasts a funding gap of £18.3 million by 2027/28")],
         "finance", "number"),
    case("lr-w-020", "Who is Wyvernshire's chief constable and how long have they been in post?", None,
         "Chief Constable Marcus Threlfall, who has led the force since September 2022.",
         ["Marcus Threlfall", "September 2022"], [(P, "Chief Constable Marcus Threlfall has led the force since September 2022.")],
         "overall", "fact"),
    case("lr-w-021", "Which inspector signed off the report?", W,
         "Rowena Hartigan, His Majesty's Inspector of Constabulary.",
         ["Rowena Hartigan"], [(P, "Rowena Hartigan")],
         "overall", "fact"),
    case("lr-w-022", "Did the inspectors highlight any innovative crime prevention work?", W,
         "Yes: Operation Kestrel, the force's programme against burglary, vehicle crime and farm machinery theft in rural villages; burglary fell by 23 per cent in its first year where it operates.",
         ["Operation Kestrel", "23 per cent"], [(P, "Operation Kestrel is the force's programme to reduce burglary, vehicle crime and the theft of farm machinery in rural villages."),
          (P, "Recorded burglary in the areas where Operation Kestrel operates fell by 23 per cent in its first year")],
         "prevention", "fact"),
    case("lr-w-023", "How much did Operation Kestrel cost and how much of it came from the Home Office?", W,
         "£640,000 over two years, of which £410,000 came from the Home Office Safer Streets Fund.",
         ["£640,000", "£410,000"], [(P, "The programme cost £640,000 over two years, of which £410,000 came from the Home Office Safer Streets Fund.")],
         "finance", "number"),
    case("lr-w-024", "How much more likely are Black people to be stopped and searched in Wyvernshire?", None,
         "3.4 times more likely than white people in the year to 31 December 2024, down from 4.1 times in the year to 31 December 2022.",
         ["3.4 times"], [(P, "Black people in Wyvernshire were 3.4 times more likely than white people to be stopped and searched in the year to 31 December 2024."),
          (P, "This disproportionality has fallen from 4.1 times in the year to 31 December 2022.")],
         "fairness", "number"),
    case("lr-w-025", "How many registered sex offenders is the force managing, and how many visits are overdue?", W,
         "1,240 registered sex offenders in March 2025; 37 visits were overdue and 58 risk assessments were late.",
         ["1,240", "37"], [(P, "In March 2025, the force was managing 1,240 registered sex offenders in the community."),
          (P, "At the time of our inspection, 37 visits to registered sex offenders were overdue")],
         "offenders", "number"),
    case("lr-w-026", "How long do victims wait to get a phone back from digital forensics?", W,
         "The average wait for a full examination of a mobile phone was 147 days; 1,060 devices were waiting to be examined.",
         ["147 days"], [(P, "the average wait for a full examination of a mobile phone was 147 days")],
         "investigation", "number"),
    case("lr-w-027", "Who runs the new investigation standards unit?", W,
         "Detective Chief Superintendent Owen Marchbank; the unit was set up in January 2025.",
         ["Owen Marchbank"], [(P, "led by Detective Chief Superintendent Owen Marchbank")],
         "investigation", "fact"),
    case("lr-w-028", "Has sickness in the Wyvernshire control room come down?", None,
         "Yes: it reached 19.3 days per person per year in 2024 and had fallen to 14.6 days by the time of the inspection, after a recovery programme led by Superintendent Bethany Orme.",
         ["19.3 days", "14.6 days"], [(P, "In 2024, sickness absence among the force's contact handlers reached 19.3 days per person per year."),
          (P, "sickness absence among contact handlers had fallen to 14.6 days per person per year")],
         "wellbeing", "number"),
    case("lr-w-029", "When does the force have to send the inspectorate its action plan?", W,
         "By 31 December 2025.",
         ["31 December 2025"], [(P, "We expect the force to send us an action plan by 31 December 2025")],
         "overall", "fact"),
    case("lr-w-030", "And what deadlines come with it?", W,
         "The recommendations on investigations are due by 31 March 2026 (allocation to skilled investigators; supervisor reviews within 7 days) and by 30 September 2026 (manageable workloads in CID; keeping victims informed).",
         ["31 March 2026", "30 September 2026"],
         [(P, "By 31 March 2026, the force should make sure that investigations are allocated to investigators who have the right skills, experience and capacity to carry them out."),
          (P, "By 30 September 2026, the force should make sure that victims are kept informed about their investigation in line with the Code of Practice for Victims of Crime.")],
         "investigation", "follow-up",
         history=[("user", "What is the cause of concern in the Wyvernshire report?"),
                  ("assistant", "The force is not investigating crime effectively: investigations are often not carried out to a good standard or properly supervised.")]),
    case("lr-w-031", "How many county lines did Wyvernshire shut down?", W,
         "27 county lines in the year to 31 December 2024, with 164 arrests linked to county lines.",
         ["27 county lines"], [(P, "it closed 27 county lines, arrested 164 people")],
         "soc", "number"),
    case("lr-w-032", "What proportion of reported crime does the force actually record?", W,
         "An estimated 94.2 per cent (plus or minus 1.8 per cent), up from 92.7 per cent at the last audit.",
         ["94.2 per cent"], [(P, "we estimated that the force records 94.2 per cent of reported crime")],
         "investigation", "number"),
    case("lr-w-033", "How many staff does the force have in total?", W,
         "In March 2025: 3,470 police officers, 2,110 police staff and 285 PCSOs, plus 160 special constables.",
         ["3,470", "2,110"], [(P, "In March 2025, the force employed 3,470 police officers, 2,110 police staff and 285 PCSOs")],
         "demand", "number"),
    # unanswerable (Wyvernshire)
    case("lr-w-034", "What grade did Wyvernshire get for serious and organised crime?", None,
         "The report gives no grade for serious and organised crime: PEEL no longer grades it, and the inspectorate will report on the regional unit separately in 2026.",
         [], [], "soc", "unanswerable", trap=True),
    case("lr-w-035", "How was the force graded on its service to victims?", W,
         "It was not graded: the report describes its victim service assessment but makes no graded judgement in that area.",
         [], [], "vulnerability", "unanswerable", trap=True),
    case("lr-w-036", "What percentage of 999 calls did Wyvernshire answer within 10 seconds back in 2022?", None,
         "The report does not say; it gives 71.4 per cent for the year to 31 December 2024 only.",
         [], [], "demand", "unanswerable", trap=True),
    case("lr-w-037", "What's the charge rate for rape offences?", W,
         "The report does not give one; it gives the overall charge or summons rate (5.1 per cent) and the rate for domestic abuse crimes (7.2 per cent).",
         [], [], "investigation", "unanswerable", trap=True),
    case("lr-w-038", "How many new contact handlers has Project Lantern recruited so far?", W,
         "The report does not say; it gives the plan's target of 60 new contact handlers by March 2026 and 41 vacant posts at the time of the inspection.",
         [], [], "demand", "unanswerable", trap=True),
    case("lr-w-039", "Who is Wyvernshire's deputy chief constable?", None,
         "The report does not name a deputy chief constable; it names Chief Constable Marcus Threlfall.",
         [], [], "overall", "unanswerable", trap=True),
    case("lr-w-040", "What was the force's net revenue budget in 2024/25?", W,
         "The report does not say; it gives the budget for 2025/26 (£412.6 million).",
         [], [], "finance", "unanswerable", trap=True),
    case("lr-w-041", "How many officers were sacked after counter-corruption investigations?", W,
         "The report does not say; it describes the counter-corruption unit (14 investigators) but gives no dismissals.",
         [], [], "integrity", "unanswerable", trap=True),
    case("lr-w-042", "What does the Wyvernshire report say about the force's drone unit?", None,
         "Nothing: the report does not mention drones.",
         [], [], "demand", "unanswerable"),
    case("lr-w-043", "How does Wyvernshire police its motorways and roads?", W,
         "The report does not cover roads policing.",
         [], [], "collaboration", "unanswerable"),
    # --- Hollowmere Police (HTML) ---------------------------------------------------------
    case("lr-h-001", "What grade did Hollowmere Police get for protecting vulnerable people?", None,
         "Inadequate: Hollowmere Police is inadequate at protecting vulnerable people.",
         ["inadequate"], [(T, "Hollowmere Police is inadequate at protecting vulnerable people.")],
         "vulnerability", "judgement"),
    case("lr-h-002", "How did the force do on answering calls and responding to the public?", H,
         "Good: Hollowmere Police is good at responding to the public; it answered 93.1 per cent of emergency calls within 10 seconds.",
         ["good"], [(T, "Hollowmere Police is good at responding to the public.")],
         "demand", "judgement"),
    case("lr-h-003", "What was the grade on stop and search and fair treatment?", H,
         "Requires improvement at using police powers and treating the public fairly.",
         ["requires improvement"], [(T, "Hollowmere Police requires improvement at using police powers and treating the public fairly.")],
         "fairness", "judgement"),
    case("lr-h-004", "Is Hollowmere any good at investigating crime?", None,
         "It is adequate at investigating crime.",
         ["adequate"], [(T, "Hollowmere Police is adequate at investigating crime.")],
         "investigation", "judgement"),
    case("lr-h-005", "What's the cause of concern the inspector raised about Hollowmere?", None,
         "The force does not do enough to assess and manage the risk to vulnerable people, and does not work effectively enough with partners to safeguard them.",
         ["assess and manage the risk to vulnerable people"], [(T, "The force does not do enough to assess and manage the risk to vulnerable people, and it does not work effectively enough with partner organisations to safeguard them.")],
         "vulnerability", "fact"),
    case("lr-h-006", "What are the deadlines in the recommendations, and what is each one for?", H,
         "By 31 March 2026: clear the safeguarding hub backlog and assess every referral within 24 hours; make sure officers complete a full risk assessment for every domestic abuse victim. By 30 June 2026: agree with partners how information about vulnerable children is shared, and audit it.",
         ["31 March 2026", "30 June 2026", "24 hours"],
         [(T, "By 31 March 2026, the force should clear the backlog of referrals in its multi-agency safeguarding hub and make sure that every referral is assessed within 24 hours."),
          (T, "By 31 March 2026, the force should make sure that officers complete a full risk assessment for every victim of domestic abuse."),
          (T, "By 30 June 2026, the force should agree with its partners how information about vulnerable children will be shared, and audit whether this is happening.")],
         "vulnerability", "list"),
    case("lr-h-007", "How big was the safeguarding hub backlog when the inspectors visited?", H,
         "640 referrals; the oldest had been waiting for 23 days.",
         ["640 referrals", "23 days"], [(T, "At the time of our inspection, the force's multi-agency safeguarding hub had a backlog of 640 referrals. The oldest had been waiting for 23 days.")],
         "vulnerability", "number"),
    case("lr-h-008", "What proportion of emergency calls does Hollowmere answer within ten seconds?", None,
         "93.1 per cent, above the national standard of 90 per cent.",
         ["93.1 per cent"], [(T, "The force answered 93.1 per cent of emergency calls within 10 seconds.")],
         "demand", "number"),
    case("lr-h-009", "What does the report say about racial disparity in stop and search?", H,
         "Black people were 5.2 times more likely than white people to be stopped and searched in the year to 31 March 2025, and the force does not fully understand why.",
         ["5.2 times"], [(T, "Black people in Hollowmere were 5.2 times more likely than white people to be stopped and searched in the year to 31 March 2025.")],
         "fairness", "number"),
    case("lr-h-010", "How many Hollowmere staff were working with lapsed vetting?", None,
         "212 officers and staff were working with expired vetting clearance; the force planned to clear the backlog by December 2025.",
         ["212"], [(T, "At the time of our inspection, 212 officers and staff were working in the force whose vetting clearance had expired.")],
         "integrity", "number"),
    case("lr-h-011", "Was any innovative practice highlighted in Hollowmere's report?", H,
         "Project Harbour: mental health nurses in the control room 16 hours a day; section 136 detentions fell by 37 per cent; it costs £310,000 a year, shared with the NHS trust.",
         ["Project Harbour", "37 per cent"], [(T, "Since Project Harbour started in May 2024, the number of people detained under section 136 of the Mental Health Act 1983 has fallen by 37 per cent.")],
         "prevention", "fact"),
    case("lr-h-012", "Who are the chief constable and the PCC named in the Hollowmere report?", None,
         "Chief Constable Idris Caldwell and the Police and Crime Commissioner, Graham Pettifer.",
         ["Idris Caldwell", "Graham Pettifer"], [(T, "I would like to thank Chief Constable Idris Caldwell and the officers and staff of Hollowmere Police for their help during the inspection."),
          (T, "The Police and Crime Commissioner, Graham Pettifer, has supported the force's plans to improve its safeguarding hub")],
         "overall", "fact"),
    case("lr-h-013", "What's Hollowmere's budget and projected shortfall?", None,
         "£276.4 million net revenue budget for 2025/26, with a forecast funding gap of £9.6 million by 2027/28.",
         ["£276.4 million", "£9.6 million"], [(T, "The force's net revenue budget for 2025/26 is £276.4 million, and it forecasts a funding gap of £9.6 million by 2027/28.")],
         "finance", "number"),
    case("lr-h-014", "How often are domestic abuse risk assessments filled in properly?", H,
         "Fully in only 61 per cent of the incidents the inspectors reviewed.",
         ["61 per cent"], [(T, "Officers completed the domestic abuse risk assessment fully in only 61 per cent of the incidents we reviewed.")],
         "vulnerability", "number"),
    case("lr-h-015", "What does area for improvement 2 in the Hollowmere report say?", None,
         "Restart external scrutiny of stop and search and use of force so the public can hold the force to account (the panel had not met since October 2024).",
         ["external scrutiny"], [(T, "The force should restart external scrutiny of its use of stop and search and use of force, so that members of the public can hold it to account.")],
         "fairness", "fact"),
    case("lr-h-016", "How many registered sex offenders does the force manage, and what is the caseload per manager?", H,
         "870 registered sex offenders, an average of 46 per offender manager, with no overdue visits.",
         ["870", "46"], [(T, "The force manages 870 registered sex offenders, and its offender managers each manage an average of 46.")],
         "offenders", "number"),
    # unanswerable (Hollowmere)
    case("lr-h-017", "What grade did Hollowmere get for its service to victims of crime?", None,
         "None: the report does not grade the service to victims of crime.",
         [], [], "vulnerability", "unanswerable", trap=True),
    case("lr-h-018", "How many stop and searches did Hollowmere carry out in 2023/24?", None,
         "The report does not say; it gives 2,944 for the year to 31 March 2025 only.",
         [], [], "fairness", "unanswerable", trap=True),
    case("lr-h-019", "How many domestic violence protection orders did the courts actually grant?", H,
         "The report does not say; it gives only the number of applications (204).",
         [], [], "vulnerability", "unanswerable", trap=True),
    case("lr-h-020", "What is the force's median response time to emergencies?", H,
         "The report does not give a median attendance time; it says the force attended 86 per cent of emergency incidents within its target times.",
         [], [], "demand", "unanswerable", trap=True),
    case("lr-h-021", "Who is in charge of Hollowmere's multi-agency safeguarding hub?", None,
         "The report does not name who leads the safeguarding hub.",
         [], [], "vulnerability", "unanswerable", trap=True),
    case("lr-h-022", "What's the sickness absence rate for police staff in Hollowmere?", None,
         "The report does not say; it gives only the officers' figure (13.1 days).",
         [], [], "wellbeing", "unanswerable", trap=True),
    case("lr-h-023", "What does the report say about the force's firearms capability?", H,
         "Nothing: the report does not discuss armed policing.",
         [], [], "demand", "unanswerable"),
    # --- both reports ---------------------------------------------------------------------
    case("lr-x-001", "Which of the two forces, Wyvernshire or Hollowmere, answers 999 calls faster?", None,
         "Hollowmere: it answered 93.1 per cent of emergency calls within 10 seconds, against 71.4 per cent in Wyvernshire (national standard 90 per cent).",
         ["Hollowmere", "Wyvernshire"],
         [(T, "The force answered 93.1 per cent of emergency calls within 10 seconds."),
          (P, "It answered 71.4 per cent of emergency calls within 10 seconds. The national standard is 90 per cent.")],
         "demand", "cross-force"),
    case("lr-x-002", "Wyvernshire and Hollowmere each got an inadequate grade: in which areas?", None,
         "Wyvernshire is inadequate at investigating crime; Hollowmere is inadequate at protecting vulnerable people.",
         ["Wyvernshire", "Hollowmere"],
         [(P, "Wyvernshire Constabulary is inadequate at investigating crime."),
          (T, "Hollowmere Police is inadequate at protecting vulnerable people.")],
         "overall", "cross-force"),
]


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> str:
    """Letters and digits only: a table row "Area: Grade" is printed as two cells."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.casefold()).split())


def pdf_page(
    quote: str, pages: list[str], reader_text: str, reader_pages
) -> tuple[int | None, str]:  # type: ignore[no-untyped-def]
    """The page a PDF quote stands on, or None and why not. A quote printed as running text
    must be in pypdf's text of exactly one page; a quote the reader composes (a table row)
    must be in the reader's text once, on a page whose pypdf text holds its words."""
    on = [n for n, text in enumerate(pages, 1) if quote in text]
    if len(on) == 1:
        loose = [n for n, t in enumerate(pages, 1) if normalise(quote) in normalise(t)]
        return (on[0], "") if loose == on else (None, f"also on pages {loose}")
    if on:
        return None, f"on pages {on}"
    if reader_text.count(quote) != 1:
        return (
            None,
            f"in neither pypdf's text of one page nor once in the reader's ({reader_text.count(quote)})",
        )
    page = page_at(reader_pages, reader_text.index(quote))
    if page is None or words(quote) not in words(pages[page - 1]):
        return None, f"the reader puts it on page {page}, whose printed words do not hold it"
    return page, ""


def main() -> None:
    parser = argparse.ArgumentParser(description="Check the lr- cases (and write them).")
    parser.add_argument("--out", type=Path, help="write the checked cases to this JSONL file")
    args = parser.parse_args()
    pages = [collapse(p.extract_text() or "") for p in PdfReader(CORPUS / PDF).pages]
    read = parse_document(read_document(CORPUS / PDF, 10**8), PDF)
    html_raw = (CORPUS / HTML).read_text(encoding="utf-8")
    html_text = collapse(read_text(CORPUS / HTML, 10**7))
    checked = {name: normalise(read_text(CORPUS / name, 10**7)) for name in (PDF, HTML)}
    problems = []
    ids = set()
    for c in CASES:
        assert c["id"].startswith("lr-") and c["id"] not in ids, c["id"]
        ids.add(c["id"])
        assert c["answerable"] == bool(c["gold_passages"]) == bool(c["key_facts"]), c["id"]
        assert ("trap:topical" in c["tags"]) <= (not c["answerable"]), c["id"]
        for fact in c["key_facts"]:
            if fact.casefold() not in c["reference_answer"].casefold():
                problems.append(f"{c['id']}: key fact not in the answer: {fact!r}")
        for gold in c["gold_passages"]:
            quote = gold["quote"]
            if normalise(quote) not in checked[gold["source"]]:
                problems.append(f"{c['id']}: not in read_text of {gold['source']}: {quote!r}")
            if gold["source"] == PDF:
                page, why = pdf_page(quote, pages, read.text, read.pages)
                if page is None:
                    problems.append(f"{c['id']}: PDF quote {why}: {quote!r}")
                    continue
                gold["page"] = page
            elif quote not in html_raw or quote not in html_text:
                problems.append(f"{c['id']}: HTML quote not verbatim: {quote!r}")
    if problems:
        sys.exit("\n".join(problems))
    rng = random.Random(SEED)
    for answerable in (True, False):
        group = [c for c in CASES if c["answerable"] is answerable]
        held = set(rng.sample([c["id"] for c in group], len(group) // 2))
        for c in group:
            c["tags"].append("split:held-out" if c["id"] in held else "split:dev")
    if args.out:
        with args.out.open("w", encoding="utf-8") as out:
            for c in CASES:
                out.write(json.dumps(c, ensure_ascii=False) + "\n")
    un = sum(not c["answerable"] for c in CASES)
    traps = sum("trap:topical" in c["tags"] for c in CASES)
    held_out = [c for c in CASES if "split:held-out" in c["tags"]]
    print(
        f"{len(CASES)} cases, {un} unanswerable ({traps} topical traps), "
        f"{len(held_out)} held out ({sum(not c['answerable'] for c in held_out)} unanswerable); "
        f"{sum(len(c['gold_passages']) for c in CASES)} gold quotes checked"
    )
    merged = differences(CASES)
    if merged:
        sys.exit(f"{REFERENCE.name} differs from these cases:\n" + "\n".join(merged))
    print(f"{REFERENCE.name}: its lr- cases are these, field for field")


def differences(cases: list[dict]) -> list[str]:  # type: ignore[type-arg]
    """How the lr- cases merged into reference.jsonl differ from ``cases``."""
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    merged = {c["id"]: c for c in map(json.loads, lines) if c["id"].startswith("lr-")}
    out = [f"{i}: only in {REFERENCE.name}" for i in sorted(set(merged) - {c["id"] for c in cases})]
    for c in cases:
        other = merged.get(c["id"])
        if other is None:
            out.append(f"{c['id']}: missing")
            continue
        for key in sorted(set(c) | set(other)):
            mine, theirs = c.get(key), other.get(key)
            if key == "tags":
                mine, theirs = sorted(mine or []), sorted(theirs or [])
            if mine != theirs:
                out.append(f"{c['id']}: {key} differs")
    return out


if __name__ == "__main__":
    main()
