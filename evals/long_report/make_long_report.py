# ruff: noqa: E501  (the report text keeps one paragraph per line, so it reads and edits as prose)
"""Build the long fictional PEEL-style PDF report of the evaluation corpus (issue 17).

Output: ``rag/evaluation/shipped/corpus/wyvernshire-constabulary-peel-report-fictional.pdf``
(the repository's ``evals/corpus/`` links there). The PDF is committed; this script is
how it was made, so it can be rebuilt after an edit to the text below.

Run (fpdf2 is a build-time tool only, never a runtime dependency of the package):

    python -m venv /tmp/fpdf && /tmp/fpdf/bin/pip install fpdf2
    /tmp/fpdf/bin/python evals/long_report/make_long_report.py

The layout copies what makes real PEEL PDFs hard to read: a running header on every
page, a "Page N" footer, bold larger headings, a graded-judgement table drawn as a
table, paragraphs that run across page breaks and words hyphenated at line ends (from a
small fixed list, so the output is the same on every run). It needs a Unicode TrueType
font (en dash, pound sign): Liberation Sans by default, or ``--font-dir``.

Everything in the report is invented and it says so on its last line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

FORCE = "Wyvernshire Constabulary"
HEADER = f"PEEL 2025–27: Police effectiveness, efficiency and legitimacy – {FORCE}"
MARKER = "[FICTIONAL: this document is invented for testing and describes no real police force.]"
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "rag/evaluation/shipped/corpus/wyvernshire-constabulary-peel-report-fictional.pdf"

# Words that may be split at a line end, with their break point. Only these are hyphenated.
HYPHENATE = {
    w.replace("-", ""): w
    for w in """investi-gation investi-gations investi-gators safe-guarding neigh-bourhood
    neigh-bourhoods improve-ment improve-ments organ-isation organ-isations vulner-able
    vulner-ability super-vision super-visors effective-ness constab-ulary perform-ance
    manage-ment under-standing partner-ship partner-ships infor-mation recommend-ation
    recommend-ations communi-ties account-ability inspect-ion inspect-orate assess-ment
    assess-ments proport-ionate consist-ently appropri-ately particu-larly signifi-cant
    signifi-cantly profess-ional profess-ionalism inter-ventions domes-tic experi-enced
    prior-itise prior-ities resourc-ing require-ments compli-ance victim-less demand-ing
    abandon-ment offend-ers manag-ing intelli-gence wellbe-ing workforce-wide environ-ment
    contin-ued exploit-ation""".split()  # noqa: SIM905
}

# --- the report -------------------------------------------------------------------------
# Blocks: ("title", text) cover; ("h1"|"h2"|"h3", text); ("p", text); ("ul", [items]);
# ("ol", [items]); ("grades", rows); ("table", header, rows); ("box", title, text);
# ("afi", number, text); ("coc", text); ("rec", text); ("page",) a page break.

GRADES = [
    ("Police powers and public treatment", "Good"),
    ("Preventing crime", "Outstanding"),
    ("Responding to the public", "Requires improvement"),
    ("Investigating crime", "Inadequate"),
    ("Protecting vulnerable people", "Requires improvement"),
    ("Managing offenders and suspects", "Adequate"),
    ("Building, supporting and protecting the workforce", "Good"),
    ("Leadership and force management", "Adequate"),
]

REPORT: list[tuple] = [
    ("title", "PEEL 2025–27"),
    ("p", "Police effectiveness, efficiency and legitimacy"),
    ("p", "An inspection of Wyvernshire Constabulary"),
    ("p", "Published: 14 October 2025"),
    ("p", "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services"),
    ("page",),
    ("h1", "Contents"),
    ("ul", [
        "Overall summary",
        "HM Inspector's observations",
        "Our judgements",
        "Providing a service to victims of crime",
        "Police powers and public treatment",
        "Preventing crime",
        "Responding to the public",
        "Investigating crime",
        "Protecting vulnerable people",
        "Managing offenders and suspects",
        "Building, supporting and protecting the workforce",
        "Leadership and force management",
        "Serious and organised crime",
        "How we inspected and next steps",
        "About the data",
        "Annex A: Wyvernshire Constabulary in numbers",
        "Annex B: Victim service assessment results",
        "Annex C: Glossary",
    ]),
    ("page",),
    ("h1", "Overall summary"),
    ("h2", "Our judgements"),
    ("p", "Our inspection assessed how good Wyvernshire Constabulary is in eight areas of policing. We make graded judgements in all eight as follows:"),
    ("grades", GRADES),
    ("p", "We also inspected how effective the force is at providing a service to victims of crime. We do not make a graded judgement in this area, but we set out our findings in a separate part of this report."),
    ("p", "We set out our detailed findings about things the force is doing well and where it should improve in the rest of this report. The report covers the inspection fieldwork we carried out between 3 March and 25 April 2025, and the force data we asked for covers the twelve months to 31 December 2024 unless we say otherwise."),
    ("h2", "Important changes to PEEL"),
    ("p", "In 2014, we introduced our police effectiveness, efficiency and legitimacy (PEEL) inspections, which assess the performance of all 43 police forces in England and Wales. Since then, we have been continuously adapting our approach and this year has seen the most significant changes yet. We are moving to a more intelligence-led, continual assessment approach, rather than the periodic PEEL inspections we have carried out in the past. Our PEEL 2025–27 inspections use the five-point grading scale of outstanding, good, adequate, requires improvement and inadequate, which we introduced in 2021."),
    ("p", "Because of these changes, and because the questions we ask have changed, the grades in this report are not directly comparable with the grades in our previous inspection of Wyvernshire Constabulary, published in June 2023. Where we do compare the force's performance with earlier years, we use the force's own data and say so."),
    ("page",),
    ("h1", "HM Inspector's observations"),
    ("p", "I am pleased with some aspects of the performance of Wyvernshire Constabulary, but the force needs to improve in several areas, and I have serious concerns about how it investigates crime."),
    ("p", "The force is outstanding at preventing crime and anti-social behaviour. Its problem-solving approach is well established in every district, and its neighbourhood teams work with partner organisations to reduce the harm caused by repeat offending in the places that suffer most. Operation Kestrel, the force's programme to reduce burglary and vehicle crime in rural villages, is one of the best examples of crime prevention I have seen. Recorded burglary in the areas where it operates fell by 23 per cent in its first year."),
    ("p", "But I am concerned that the force is not investigating crime well enough. Too many investigations are allocated to officers who lack the experience or the time to carry them out, supervision is inconsistent, and victims are too often not kept informed. The proportion of investigations that ended with a charge or summons was 5.1 per cent in the year to 31 December 2024, compared with 6.8 per cent in the year to 31 December 2022. I have identified a cause of concern about investigations and I have made recommendations that the force must act on. I will monitor its progress closely."),
    ("p", "The force also needs to improve how it answers calls from the public. In the year to 31 December 2024 it answered 71.4 per cent of emergency calls within 10 seconds, well below the national standard of 90 per cent. The force has a plan to recruit and train more contact handlers, and it has begun to put that plan in place, but the improvement has been slow."),
    ("p", "The force treats its workforce well. Its wellbeing services are well used and well regarded, and its leaders have made a real effort to listen to officers and staff. I was impressed by the force's response to the high levels of sickness absence in its control room, which had begun to fall by the time of our inspection."),
    ("p", "I am grateful to the chief constable, Chief Constable Marcus Threlfall, and to the officers and staff of Wyvernshire Constabulary for the way they helped us during this inspection. I would like to thank the Police and Crime Commissioner, Sunita Oduya, for her support. I look forward to seeing the force make the improvements I have set out, and I will be interested to see whether its new investigation standards unit makes the difference the force expects."),
    ("p", "Rowena Hartigan"),
    ("p", "His Majesty's Inspector of Constabulary"),
    ("page",),
    ("h1", "Providing a service to victims of crime"),
    ("p", "We assess the service the force gives to victims of crime. We do not give a graded judgement for this area. As part of our victim service assessment, we reviewed 130 case files, covering crimes recorded between 1 July and 31 December 2024, and a further 20 records of incidents that the force decided were not crimes."),
    ("h2", "Answering calls and recording crime"),
    ("p", "When a victim contacts the police, it is important that the force answers the call quickly and assesses the risk to the caller. In the cases we reviewed, the force assessed the risk appropriately in 111 of the 130 cases. Call handlers usually asked the right questions and gave victims sensible advice on preserving evidence. But in 14 cases the caller was not told when an officer would arrive, and in 9 of those cases the attendance was later than the caller had been led to expect. When a victim was repeat or vulnerable, call handlers identified this in most cases, but they did not always record it in a way that the attending officer could see."),
    ("p", "The force records crime accurately. In our crime data integrity audit we estimated that the force records 94.2 per cent of reported crime, with a confidence interval of plus or minus 1.8 per cent. This is a small improvement on the 92.7 per cent we found when we last audited the force. The force correctly recorded 18 of the 20 incidents it had decided were not crimes."),
    ("h2", "Investigations and keeping victims informed"),
    ("p", "Of the 130 investigations we reviewed, we found that 83 were carried out effectively. In the others, the investigation was not started promptly, obvious lines of enquiry were missed, or the investigation was not properly supervised. Victims were kept informed about the progress of their case in 78 of the 130 cases, and the force carried out a needs assessment to decide what support a victim should be offered in 69 of them. The Code of Practice for Victims of Crime requires this assessment in every case, and the force should make sure that officers understand the requirement."),
    ("p", "When a victim decided to withdraw their support for an investigation, the force recorded the victim's decision in 21 of the 27 cases where this happened. In only 11 of those cases did the force consider whether it could pursue the investigation without the victim's support, which is known as an evidence-led prosecution. This is a missed opportunity, particularly in cases of domestic abuse."),
    ("page",),
    ("h1", "Police powers and public treatment"),
    ("h2", "Good"),
    ("p", "Wyvernshire Constabulary is good at using police powers and treating the public fairly."),
    ("p", "This part of the report looks at how well the force uses its powers, such as stop and search and the use of force, and how it treats the public. We reviewed a sample of 250 stop and search records from the year to 31 December 2024 and we looked at the force's use of body-worn video."),
    ("h2", "Main findings"),
    ("h3", "The force uses stop and search fairly and effectively"),
    ("p", "In the year to 31 December 2024, officers in Wyvernshire carried out 6,812 stop and searches. In 31 per cent of these searches, officers found what they were looking for or something else that led to action, such as an arrest or a community resolution. This find rate is above the average for forces in England and Wales. Of the 250 records we reviewed, we judged that 241 had reasonable grounds recorded, which is 96 per cent. The force's stop and search scrutiny panel, made up of members of the public, reviews a random sample of records and video footage every month, and its members told us they are listened to."),
    ("p", "Black people in Wyvernshire were 3.4 times more likely than white people to be stopped and searched in the year to 31 December 2024. This disproportionality has fallen from 4.1 times in the year to 31 December 2022. The force understands the reasons for the disparity better than most forces we have inspected, and it publishes its analysis on its website. Officers switched on their body-worn video cameras during 87 per cent of stop and searches."),
    ("h3", "The force uses force appropriately but its records are incomplete"),
    ("p", "Officers use force appropriately and proportionately. The force's training in de-escalation is good, and officers we spoke with understood how to use the national decision model to decide whether force was necessary. But use of force forms were not always completed: the force estimates that around one in five uses of force by officers goes unrecorded. The force should improve this so that it can understand how force is used and whether it is used fairly."),
    ("afi", 1, "The force should make sure that officers record every use of force, and that supervisors check these records, so that the force understands how and why officers use force."),
    ("h3", "The force has a positive culture of fair treatment"),
    ("p", "The force has a clear and well-understood approach to fair and respectful treatment of the public. Its leaders talk about legitimacy and trust in every briefing, and the force's independent advisory groups told us they challenge the force and that it responds. The force received 1,934 complaints in the year to 31 March 2025, and its professional standards department finalised 88 per cent of the complaints it handled within 12 months. The force's training on unconscious bias is delivered in person by officers and members of local communities together, which officers told us they valued."),
    ("page",),
    ("h1", "Preventing crime"),
    ("h2", "Outstanding"),
    ("p", "Wyvernshire Constabulary is outstanding at preventing crime and anti-social behaviour."),
    ("p", "This part of the report looks at how the force prevents crime and anti-social behaviour and how it works with partner organisations to do so. It also looks at how well the force's neighbourhood teams understand and engage with their communities."),
    ("h2", "Main findings"),
    ("h3", "Crime prevention is a priority for the whole force"),
    ("p", "The force's crime prevention strategy, published in 2023, puts the prevention of harm at the centre of its work. Every district has a prevention hub, led by an inspector, which brings together neighbourhood officers, analysts, the local authority's community safety team and the voluntary sector. The hubs meet every week and choose the problems they will work on by using data about where harm is greatest. We saw this work in all four districts we visited, and it was of a consistently high standard."),
    ("p", "The force has 410 officers and 285 police community support officers (PCSOs) in its neighbourhood teams. The force protects their time: in the year to 31 December 2024, neighbourhood officers spent 82 per cent of their working hours on neighbourhood duties, and PCSOs were taken away from their wards to support response teams on only 61 occasions in the whole year. Members of the public in every district can see who their neighbourhood officers are and how to contact them, and the force holds regular public meetings, both in person and online."),
    ("box", "Innovative practice: Operation Kestrel", "Operation Kestrel is the force's programme to reduce burglary, vehicle crime and the theft of farm machinery in rural villages. It began in April 2023 in the Marlow Vale and Cheddon districts. The force trained 96 volunteer village watch coordinators, fitted tracking devices to 1,150 items of farm machinery, and used automatic number plate recognition cameras on the main roads into the villages. Recorded burglary in the areas where Operation Kestrel operates fell by 23 per cent in its first year, and the theft of farm machinery fell by 41 per cent. The programme cost £640,000 over two years, of which £410,000 came from the Home Office Safer Streets Fund. The force has since extended Operation Kestrel to all six of its districts."),
    ("h3", "The force works well with partners to tackle anti-social behaviour"),
    ("p", "The force and its partners use the full range of powers available to them to tackle anti-social behaviour. In the year to 31 December 2024, the force and local councils issued 214 community protection notices and obtained 38 civil injunctions. The number of anti-social behaviour incidents reported to the force fell from 28,450 in 2022 to 22,910 in 2024, a fall of 19 per cent. The force evaluates what works: its evidence-based policing team, working with the University of Wyvernshire, has evaluated 14 problem-solving projects since 2023 and shares what it learns with other forces through the College of Policing's practice bank."),
    ("p", "The force's approach to young people at risk of being drawn into crime is particularly strong. Its schools officers work in every secondary school in the force area, and its early intervention team, which it funds jointly with the county council, worked with 612 children in the year to 31 March 2025. The force measures whether these children go on to offend, and its early results are encouraging: of the children who completed the programme in 2023, 88 per cent had not come to the attention of the police again within 12 months."),
    ("page",),
    ("h1", "Responding to the public"),
    ("h2", "Requires improvement"),
    ("p", "Wyvernshire Constabulary requires improvement at responding to the public."),
    ("p", "This part of the report looks at how well the force answers calls from the public, how it assesses the risk to callers and how quickly it attends incidents."),
    ("h2", "Main findings"),
    ("h3", "The force does not answer calls quickly enough"),
    ("p", "In the year to 31 December 2024, the force received 187,300 emergency (999) calls and 402,600 non-emergency (101) calls. It answered 71.4 per cent of emergency calls within 10 seconds. The national standard is 90 per cent. The proportion of non-emergency calls that the caller abandoned before the force answered was 19.8 per cent, and the average time to answer a non-emergency call was 6 minutes 48 seconds. The force recognises that this is not good enough. At the time of our inspection its control room had 41 vacant contact handler posts out of an establishment of 268, and the sickness absence rate among contact handlers was 14.6 days per person per year, although it had begun to fall."),
    ("afi", 2, "The force should make sure that it answers emergency and non-emergency calls promptly, in line with national standards, and that it reduces the number of non-emergency calls that callers abandon."),
    ("h3", "The force assesses risk well when it answers a call"),
    ("p", "When the force does answer a call, its contact handlers assess the risk to the caller well. They use a structured risk assessment, known as THRIVE, in almost every call, and they check the force's systems to find out whether the caller has contacted the police before. We listened to 95 calls and found that contact handlers identified repeat victims in 44 of the 47 calls where the caller was a repeat victim. Supervisors in the control room review a sample of calls every week and give handlers useful feedback."),
    ("h3", "The force does not always attend incidents in good time"),
    ("p", "The force aims to attend emergency incidents within 15 minutes in urban areas and 20 minutes in rural areas. In the year to 31 December 2024, the median time to attend an emergency incident was 14 minutes 32 seconds, and the force met its attendance target for 79 per cent of emergency incidents. But the median time to attend a priority incident, which the force aims to attend within one hour, was 1 hour 47 minutes. In 23 of the 95 incidents we reviewed, the force did not attend within the time it had told the caller. The force did not always update callers when an attendance was delayed, and in some cases the caller rang again to find out what was happening."),
    ("afi", 3, "The force should make sure that it attends priority incidents in line with its own attendance times, and that it tells callers when an attendance will be delayed."),
    ("p", "The force has a plan, which it calls Project Lantern, to improve its performance in the control room. The plan includes recruiting 60 new contact handlers by March 2026, introducing an online reporting service for non-urgent matters and a call-back service for non-emergency callers. The force has invested £2.3 million in the plan. We will assess whether the plan has worked when we next inspect the force."),
    ("page",),
    ("h1", "Investigating crime"),
    ("h2", "Inadequate"),
    ("p", "Wyvernshire Constabulary is inadequate at investigating crime."),
    ("p", "This part of the report looks at how well the force investigates crime, how it supervises investigations, and how it makes sure victims get the outcome they deserve. We reviewed 130 investigations as part of our victim service assessment and a further 60 investigations of serious crime, and we spoke with investigators, supervisors and leaders in every district."),
    ("coc", "The force is not investigating crime effectively. Too many investigations are not carried out to a good standard, are not properly supervised and do not result in the best outcome for the victim."),
    ("h3", "Recommendations"),
    ("rec", "By 31 March 2026, the force should make sure that investigations are allocated to investigators who have the right skills, experience and capacity to carry them out."),
    ("rec", "By 31 March 2026, the force should make sure that supervisors review every investigation within 7 days of allocation, set a clear investigation plan and record their reviews."),
    ("rec", "By 30 September 2026, the force should reduce the number of investigations held by each investigator in its criminal investigation department to a level it can show is manageable."),
    ("rec", "By 30 September 2026, the force should make sure that victims are kept informed about their investigation in line with the Code of Practice for Victims of Crime."),
    ("h2", "Main findings"),
    ("h3", "Investigations are not always carried out to a good standard"),
    ("p", "We found that the force's investigations were carried out effectively in 83 of the 130 cases we reviewed. In the cases where the investigation was not effective, the most common reasons were that the investigation did not start promptly, that the investigator did not pursue reasonable lines of enquiry such as house-to-house enquiries or the collection of closed-circuit television footage, or that the investigation was closed too soon. In 17 of the cases, evidence was lost because the investigation did not start in time. This means that victims are being let down and offenders are not being brought to justice."),
    ("p", "The proportion of investigations that ended with a charge or summons was 5.1 per cent in the year to 31 December 2024. It was 6.8 per cent in the year to 31 December 2022. For domestic abuse crimes the proportion was 7.2 per cent. The force told us that the fall was partly explained by an increase in the number of crimes it records, but it has not analysed the reasons in detail, and we found no evidence that it had a plan to improve outcomes for victims."),
    ("h3", "Investigators have too much work"),
    ("p", "At the time of our inspection, the force had 18,400 open investigations. Detectives in its criminal investigation department each held an average of 21 investigations, and some held more than 35. The force had 112 vacant detective posts, which is 19 per cent of its detective establishment, and 38 per cent of the detectives it did have were in their first two years of the role. Many of the investigators we spoke with told us they felt overwhelmed, and that they did not have time to investigate their cases as thoroughly as they would like. Some told us that they worked on their days off to keep up."),
    ("p", "The force's approach to allocating investigations does not match the investigation to the skills and experience of the investigator. Officers in response teams, many of whom are student officers, held 46 per cent of all the force's open investigations, including some serious and complex investigations that should have been allocated to detectives. The force's own audit in November 2024 found that 9 per cent of its investigations of rape and other serious sexual offences were held by officers who had not completed the specialist training the force requires."),
    ("afi", 4, "The force should make sure that it has enough trained detectives to meet demand, and that it has a workforce plan to fill its vacant detective posts."),
    ("h3", "Supervision of investigations is inconsistent"),
    ("p", "We found evidence of effective supervision in 74 of the 130 investigations we reviewed. Supervisors are responsible for large teams and told us they do not have the time to review their officers' investigations regularly. When reviews took place, they did not always set clear actions, and these actions were not always followed up. The force's policy is that a supervisor should review a new investigation within 7 days, but this happened in only 58 per cent of the cases we reviewed."),
    ("p", "The force recognises some of these problems. In January 2025, it set up an investigation standards unit, led by Detective Chief Superintendent Owen Marchbank, to improve the quality of investigations. The unit audits a sample of investigations every month and gives feedback to supervisors. It is too early to assess whether the unit has improved the quality of investigations, and it has only six members of staff to cover the whole force."),
    ("h3", "Digital forensics"),
    ("p", "The force has a backlog in examining digital devices. At the time of our inspection, 1,060 devices were waiting to be examined, and the average wait for a full examination of a mobile phone was 147 days. The force has introduced self-service kiosks in four police stations, so that officers can download data from a phone themselves, and this has reduced the number of devices sent to the digital forensics unit. But the backlog means that some investigations are delayed, and some victims have to wait months for their phones to be returned."),
    ("afi", 5, "The force should reduce the time it takes to examine digital devices, so that investigations are not delayed."),
    ("page",),
    ("h1", "Protecting vulnerable people"),
    ("h2", "Requires improvement"),
    ("p", "Wyvernshire Constabulary requires improvement at protecting vulnerable people."),
    ("p", "This part of the report looks at how well the force identifies vulnerable people, how it protects them from harm and how it works with partner organisations to safeguard them. It covers domestic abuse, missing children and child sexual exploitation."),
    ("h2", "Main findings"),
    ("h3", "The force identifies vulnerability well at the first point of contact"),
    ("p", "Officers and staff understand vulnerability and usually identify it when they first have contact with a member of the public. The force's vulnerability training, which every officer and member of staff in a public-facing role has completed, is of a good standard. Officers we spoke with could explain the factors that make a person vulnerable, and they knew how to refer concerns to the force's multi-agency safeguarding hub."),
    ("h3", "The force's response to domestic abuse is inconsistent"),
    ("p", "In the year to 31 December 2024, the force recorded 14,270 domestic abuse-related crimes. Officers completed a risk assessment in 97 per cent of the domestic abuse incidents we reviewed. But the arrest rate for domestic abuse crimes was 26 per cent, which is low compared with other forces, and in some cases officers did not arrest a suspect when they had the opportunity and a good reason to do so. The force's use of domestic violence protection notices and orders is limited: it applied for 96 orders in the year to 31 December 2024, and the courts granted 88 of them."),
    ("afi", 6, "The force should make sure that officers take positive action, including arrest where appropriate, when they attend domestic abuse incidents."),
    ("p", "The force's disclosure scheme for domestic violence is not working as well as it should. The scheme allows a person to ask the police whether their partner has a history of abuse. The force took an average of 52 days to complete an application in the year to 31 December 2024. The national guidance says that an application should be completed within 28 days."),
    ("afi", 7, "The force should complete applications under the domestic violence disclosure scheme within the 28 days set out in national guidance."),
    ("h3", "The force protects missing children well"),
    ("p", "The force responds well to reports of missing children. It reviews the risk to a missing child regularly, and its missing person coordinators work with children's services to find out why a child goes missing and what can be done to prevent it happening again. In the year to 31 March 2025, 1,482 children were reported missing, of whom 318 went missing more than three times. Every child who returns home is offered an interview by an independent person, and the force told us that 71 per cent of children accepted the offer."),
    ("h3", "Child sexual exploitation"),
    ("p", "The force has a dedicated team to tackle child sexual exploitation, and it works well with partner organisations through a multi-agency exploitation panel in each district. But we found that the force does not always share information about children at risk of exploitation with its partners quickly enough. In 6 of the 20 cases we reviewed, information was shared more than a week after the force received it."),
    ("afi", 8, "The force should make sure that it shares information about children at risk of exploitation with partner organisations promptly."),
    ("page",),
    ("h1", "Managing offenders and suspects"),
    ("h2", "Adequate"),
    ("p", "Wyvernshire Constabulary is adequate at managing offenders and suspects."),
    ("p", "This part of the report looks at how well the force manages registered sex offenders and other dangerous offenders, how it pursues suspects and how it works with partners through integrated offender management."),
    ("h2", "Main findings"),
    ("h3", "The force arrests suspects promptly"),
    ("p", "The force is effective at pursuing suspects. At the time of our inspection, 412 suspects were wanted for arrest, and the force had a clear process for prioritising the most dangerous. Its wanted persons unit reviews every outstanding suspect each week. The number of suspects who had been circulated as wanted on the Police National Computer for more than six months had fallen from 187 in January 2024 to 96 in March 2025."),
    ("h3", "The management of registered sex offenders needs to improve"),
    ("p", "In March 2025, the force was managing 1,240 registered sex offenders in the community. Its management of sexual or violent offenders unit had 31 offender managers, each managing an average of 40 offenders, which is more than the national guidance recommends. At the time of our inspection, 37 visits to registered sex offenders were overdue, and the force had a backlog of 58 risk assessments that had not been completed on time. The force told us it had recruited five more offender managers, who would be in post by the end of 2025."),
    ("afi", 9, "The force should make sure that it visits registered sex offenders and completes their risk assessments within the timescales set out in national guidance."),
    ("p", "The force is good at using civil orders to manage the risk posed by sex offenders. It obtained 64 sexual harm prevention orders and 12 sexual risk orders in the year to 31 December 2024, and officers understood how to apply for them. The force's online child abuse investigation team executed 143 search warrants in the same period and safeguarded 219 children."),
    ("h3", "Integrated offender management"),
    ("p", "The force's integrated offender management scheme, which it runs with the probation service and other partners, manages around 280 offenders who commit the most neighbourhood crime. The force evaluates the scheme and has found that the offenders on it committed 34 per cent fewer offences in the year after they joined than in the year before. But the scheme's police staffing had been reduced from 18 officers to 11 to fill vacancies in investigation teams, and partners told us that this had affected the scheme's work."),
    ("page",),
    ("h1", "Building, supporting and protecting the workforce"),
    ("h2", "Good"),
    ("p", "Wyvernshire Constabulary is good at building, supporting and protecting its workforce."),
    ("p", "This part of the report looks at how the force supports the wellbeing of its officers and staff, how it builds an ethical and inclusive culture, and how it protects itself against corruption."),
    ("h2", "Main findings"),
    ("h3", "The force looks after the wellbeing of its workforce"),
    ("p", "The force has a comprehensive wellbeing service that officers and staff value. It has 42 trained wellbeing champions across the force, and its occupational health unit offers counselling, physiotherapy and trauma support. Officers in roles that expose them to traumatic material, such as the online child abuse investigation team, have regular psychological screening. In the year to 31 March 2025, the average number of working days lost to sickness was 11.2 days per officer and 10.4 days per member of staff."),
    ("box", "Innovative practice: the control room recovery programme", "In 2024, sickness absence among the force's contact handlers reached 19.3 days per person per year. The force set up a recovery programme, led by the head of contact management, Superintendent Bethany Orme. It gave contact handlers protected time after traumatic calls, introduced a peer support scheme and changed shift patterns after consulting staff. By the time of our inspection, sickness absence among contact handlers had fallen to 14.6 days per person per year, and staff told us they felt more supported."),
    ("h3", "The force has a positive and inclusive culture"),
    ("p", "Most officers and staff we spoke with told us that they felt valued and that they could challenge their leaders. The force's staff survey, carried out in 2024, had a response rate of 63 per cent, and 74 per cent of those who responded said they were proud to work for the force. The force has worked hard to build a workforce that reflects the communities it serves: 5.9 per cent of its officers identify as being from an ethnic minority background, compared with 7.4 per cent of the population of Wyvernshire, and 38 per cent of its officers are women."),
    ("h3", "The force protects itself against corruption"),
    ("p", "The force's counter-corruption unit is well resourced and effective. It had 14 investigators at the time of our inspection and it monitors all the force's computer systems. The force vetted all its officers and staff to the required level, and it had no backlog of vetting renewals. But the force does not always act on intelligence about officers who may abuse their position for a sexual purpose as quickly as it should: in 4 of the 15 cases we reviewed, the force took more than a month to assess the intelligence."),
    ("afi", 10, "The force should make sure that it assesses intelligence about the abuse of position for a sexual purpose promptly."),
    ("page",),
    ("h1", "Leadership and force management"),
    ("h2", "Adequate"),
    ("p", "Wyvernshire Constabulary is adequate at leadership and force management."),
    ("p", "This part of the report looks at how well the force's leaders understand its demand, how they plan its workforce and its finances, and how they make sure the force gives value for money."),
    ("h2", "Main findings"),
    ("h3", "The force understands its demand but has not matched its resources to it"),
    ("p", "The force has a good understanding of the demand it faces. Its force management statement, which it updates every year, sets out the demand it expects and the resources it will need. But the force has not always used this understanding to decide where to put its resources. It has made decisions about the size of its teams that have left its control room and its investigation teams short of people. Its workforce plan does not set out how the force will fill its 112 vacant detective posts."),
    ("afi", 11, "The force should make sure that its workforce plan matches its resources to its demand, particularly in its control room and its investigation teams."),
    ("h3", "The force has a balanced budget but faces a funding gap"),
    ("p", "The force's net revenue budget for 2025/26 is £412.6 million. It has balanced its budget for 2025/26, but it forecasts a funding gap of £18.3 million by 2027/28. The force has a savings plan that will meet £11.7 million of this gap. It holds general reserves of £21.5 million, which is 5.2 per cent of its net revenue budget. The force has a capital programme of £64 million over four years, including £19 million for a new custody suite in Cheddon, which is due to open in 2027."),
    ("p", "In March 2025, the force employed 3,470 police officers, 2,110 police staff and 285 PCSOs, and it had 160 special constables. The force met its target under the national police officer uplift programme, but it has since found it hard to keep officers: 6.8 per cent of its officers left the force in the year to 31 March 2025, of whom 41 per cent had less than five years' service."),
    ("h3", "Leaders set a clear direction"),
    ("p", "Chief Constable Marcus Threlfall has led the force since September 2022. He and his chief officer team have set a clear direction for the force, and officers and staff understand the force's priorities. The force works well with the Police and Crime Commissioner's office. But the force's governance arrangements do not always make sure that its leaders know how well the force is performing. The force's performance board did not receive any regular information about the quality of investigations until January 2025."),
    ("afi", 12, "The force should make sure that its performance framework gives its leaders the information they need about the quality of its services, including investigations."),
    ("p", "The force works with other forces to provide some of its services. It shares a major crime investigation team and a firearms training centre with a neighbouring force, and it estimates that these arrangements save it £3.4 million a year. It is part of a regional organised crime unit, which supports it in tackling serious and organised crime, including county lines drug dealing. The force closed 27 county lines in the year to 31 December 2024."),
    ("page",),
    ("h1", "Serious and organised crime"),
    ("p", "We no longer make a graded judgement about serious and organised crime as part of PEEL. We inspect how well the police tackle serious and organised crime through our separate inspections of regional organised crime units, and we will report on the regional unit that serves Wyvernshire in 2026. This part of the report sets out what we found about the force's own contribution."),
    ("p", "The force has a good understanding of the organised crime groups that operate in its area. At the time of our inspection it was managing 38 organised crime groups, most of them involved in the supply of drugs. Each group has a lead responsible officer, who uses the four strands of the national approach, known as pursue, prevent, protect and prepare, to disrupt it. The force's local profiles, which it produces with its partners, are up to date and identify the places and people most at risk."),
    ("p", "The force works well with the regional organised crime unit and with other forces to tackle county lines drug dealing. In the year to 31 December 2024 it closed 27 county lines, arrested 164 people for offences linked to county lines, and referred 52 children and young people who had been exploited by drug dealers to the national referral mechanism. The force's work with schools and youth services to stop children being drawn into organised crime is a strength, and links closely with its wider crime prevention work."),
    ("p", "But the force does not always evaluate whether its disruption of organised crime groups has lasting effects. Its leaders told us they would like to understand better which tactics reduce harm over the long term, and the force has asked its evidence-based policing team to look at this in 2026. We will be interested to see the results."),
    ("page",),
    ("h1", "How we inspected and next steps"),
    ("h2", "How we inspected"),
    ("p", "Our inspection of Wyvernshire Constabulary took place between 3 March and 25 April 2025. Before our fieldwork, we reviewed documents the force gave us, including its force management statement, its policies and its performance reports, and we analysed data from the force and from national sources. During our fieldwork, a team of 16 inspectors and specialists visited the force headquarters and police stations in all six districts. We interviewed 142 officers and staff, held 23 focus groups, observed 11 meetings and briefings, and spent time with officers on patrol and in the control room. We also spoke with the Police and Crime Commissioner and with representatives of partner organisations, including the county council, the probation service and local victims' charities."),
    ("p", "We reviewed 130 investigations and 20 records of incidents not recorded as crimes for our victim service assessment, 60 investigations of serious crime, 250 stop and search records, 95 calls for service and 20 cases of children at risk of exploitation. We also carried out an audit of the force's crime recording, which we describe in the part of this report about providing a service to victims of crime."),
    ("h2", "Next steps"),
    ("p", "We will monitor the force's progress against the cause of concern and the recommendations in this report through our regular contact with the force. We expect the force to send us an action plan by 31 December 2025 setting out how it will respond to them. We will also follow up each area for improvement. If we find that the force has not made enough progress, we may carry out a further inspection before our next PEEL inspection of the force."),
    ("p", "The force's progress against the recommendations we made in our previous inspection, published in June 2023, was mixed. Of the five recommendations we made then, the force had completed two, made progress on two, and made no progress on one, which concerned the supervision of investigations. We have made a new recommendation on the supervision of investigations in this report."),
    ("page",),
    ("h1", "About the data"),
    ("p", "The data in this report comes from a range of sources, including data published by the Home Office, data that we collected directly from the force, and the results of our own reviews of case files and records. Where we collected data directly from the force, we took reasonable steps to agree the design of the data collection with the force and with other interested parties such as the Home Office. We gave the force several opportunities to quality assure and validate the data it gave us, to make sure it was accurate. For instance, we shared the submitted data with the force, so it could review what it had sent us, and we asked the force to check the data we used in this report."),
    ("p", "The figures for emergency and non-emergency calls come from the force's own call management system and cover the year to 31 December 2024. The figures for attendance times cover the same period. The figures for sickness absence and for the workforce come from the force and cover the year to 31 March 2025. The figures for the force's budget and reserves come from the force's medium-term financial plan, published in February 2025. We have not audited the force's financial data."),
    ("p", "Our case file reviews are not statistically representative of all the force's cases. We chose the cases at random from the force's records, within the categories we were interested in, and we use them to illustrate what we found rather than to estimate the force's overall performance. Where we give the number of cases in which we found something, the number relates only to the cases we reviewed."),
    ("page",),
    ("h1", "Annex A: Wyvernshire Constabulary in numbers"),
    ("p", "The table below gives the main figures that we refer to in this report, with the period each figure covers."),
    ("table", ("Measure", "Figure", "Period"), [
        ("Emergency calls received", "187,300", "Year to 31 December 2024"),
        ("Emergency calls answered within 10 seconds", "71.4 per cent", "Year to 31 December 2024"),
        ("Non-emergency calls received", "402,600", "Year to 31 December 2024"),
        ("Non-emergency calls abandoned", "19.8 per cent", "Year to 31 December 2024"),
        ("Median attendance time, emergency incidents", "14 minutes 32 seconds", "Year to 31 December 2024"),
        ("Median attendance time, priority incidents", "1 hour 47 minutes", "Year to 31 December 2024"),
        ("Charge or summons rate", "5.1 per cent", "Year to 31 December 2024"),
        ("Open investigations", "18,400", "April 2025"),
        ("Domestic abuse-related crimes recorded", "14,270", "Year to 31 December 2024"),
        ("Stop and searches", "6,812", "Year to 31 December 2024"),
        ("Registered sex offenders managed", "1,240", "March 2025"),
        ("Digital devices awaiting examination", "1,060", "April 2025"),
        ("Police officers", "3,470", "March 2025"),
        ("Police staff", "2,110", "March 2025"),
        ("PCSOs", "285", "March 2025"),
        ("Special constables", "160", "March 2025"),
        ("Net revenue budget", "£412.6 million", "2025/26"),
        ("Forecast funding gap", "£18.3 million", "By 2027/28"),
        ("General reserves", "£21.5 million", "March 2025"),
        ("Sickness absence, officers", "11.2 days per officer", "Year to 31 March 2025"),
    ]),
    ("p", "All figures are the force's own unless we say otherwise in the body of the report. Percentages are rounded to one decimal place. A dash in a table would mean that the force could not give us the figure, but there are none in this annex."),
    ("page",),
    ("h1", "Annex B: Victim service assessment results"),
    ("p", "The table below shows the results of our review of 130 investigations for the victim service assessment. Each figure is the number of cases, out of 130, in which we found the standard was met."),
    ("table", ("Standard", "Cases met", "Out of"), [
        ("Risk assessed appropriately at first contact", "111", "130"),
        ("Caller told when an officer would arrive", "116", "130"),
        ("Investigation carried out effectively", "83", "130"),
        ("Effective supervision of the investigation", "74", "130"),
        ("Victim kept informed of progress", "78", "130"),
        ("Victim needs assessment carried out", "69", "130"),
        ("Victim's decision to withdraw support recorded", "21", "27"),
        ("Evidence-led prosecution considered", "11", "21"),
    ]),
    ("p", "The results of our case file review are not statistically representative of all the force's investigations. See the part of this report called About the data."),
    ("page",),
    ("h1", "Annex C: Glossary"),
    ("p", "This glossary explains some of the terms we use in this report. It is not a complete list of policing terms."),
    ("h3", "Charge or summons rate"),
    ("p", "The proportion of recorded crimes, in a given period, whose investigation ended with the suspect being charged with an offence or summonsed to appear at court. It is one of several outcome measures published by the Home Office."),
    ("h3", "Community protection notice"),
    ("p", "A notice that the police or a local council can issue to a person or business whose conduct is having a persistent and unreasonable detrimental effect on the quality of life of people in the area. Failing to comply with a notice is an offence."),
    ("h3", "County lines"),
    ("p", "A form of drug dealing in which organised criminal groups use dedicated mobile phone lines to supply drugs from one area into another, often exploiting children and vulnerable adults to carry and store the drugs."),
    ("h3", "Domestic violence disclosure scheme"),
    ("p", "A national scheme, sometimes called Clare's Law, under which a person can ask the police whether their partner or former partner has a record of abusive behaviour, and the police can decide to disclose information to protect a person from abuse."),
    ("h3", "Evidence-led prosecution"),
    ("p", "A prosecution that goes ahead without the support of the victim, using other evidence such as body-worn video footage, the recording of a 999 call, medical evidence or the evidence of witnesses."),
    ("h3", "Force management statement"),
    ("p", "A self-assessment that every force prepares each year. It sets out the demand the force expects to face in the next four years, how it will change and improve its workforce and other assets to meet that demand, and the money it expects to have."),
    ("h3", "Integrated offender management"),
    ("p", "An approach in which the police, the probation service and other partners work together to manage the offenders who cause the most harm in their communities, particularly those who commit neighbourhood crimes such as burglary and robbery."),
    ("h3", "National decision model"),
    ("p", "A framework that officers use to make decisions, including decisions about whether to use force. It asks them to gather information, assess the threat and risk, consider their powers and policy, identify their options and then act and review what happened."),
    ("h3", "THRIVE"),
    ("p", "A structured way of assessing the risk to a caller or the person they are calling about. It stands for threat, harm, risk, investigation, vulnerability and engagement. Contact handlers use it to decide how urgently the force should respond."),
    ("h3", "Victim service assessment"),
    ("p", "Our review of a sample of the force's case files, which follows the victim's journey from the first contact with the police to the outcome of the investigation. It is part of every PEEL inspection but it does not lead to a graded judgement of its own."),
    ("p", MARKER),
]


# --- layout ---------------------------------------------------------------------------


class Report(FPDF):
    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font("body", "", 8.5)
        self.set_text_color(80, 80, 80)
        self.cell(0, 6, HEADER, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(160, 160, 160)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_text_color(0, 0, 0)
        self.ln(5)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("body", "", 9)
        self.set_text_color(80, 80, 80)
        self.cell(0, 8, f"Page {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)


def wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Lines of ``text`` within ``width``; a listed long word may break with a hyphen."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if pdf.get_string_width(trial) <= width:
            line = trial
            continue
        # hyphenate when the gap left would be wide and the word has a listed break
        core = re.sub(r"[^A-Za-z]", "", word).lower()
        split = HYPHENATE.get(core)
        gap = width - pdf.get_string_width(line)
        if split and line and gap > 0.12 * width and word.lower().startswith(core[:3]):
            head_len = split.index("-")
            head, tail = word[:head_len] + "-", word[head_len:]
            if pdf.get_string_width(f"{line} {head}") <= width:
                lines.append(f"{line} {head}")
                line = tail
                continue
        if line:
            lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines


def paragraph(pdf: FPDF, text: str, size: float = 11.5, indent: float = 0.0) -> None:
    pdf.set_font("body", "", size)
    width = pdf.w - pdf.l_margin - pdf.r_margin - indent
    for line in wrap(pdf, text, width - 1):
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(width, 6.6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def heading(pdf: FPDF, text: str, level: int) -> None:
    size = {1: 20, 2: 15, 3: 12.5}[level]
    if pdf.get_y() > pdf.h - 60:  # no heading alone at the foot of a page
        pdf.add_page()
    pdf.ln(2 if level > 1 else 0)
    pdf.set_font("body", "B", size)
    pdf.multi_cell(0, size * 0.55, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2.5)


def build(out: Path, font_dir: Path) -> int:
    pdf = Report(format="A4")
    pdf.set_creation_date(dt.datetime(2025, 10, 14, 9, 0, tzinfo=dt.UTC))
    pdf.set_title(f"PEEL 2025–27: {FORCE} (fictional)")
    pdf.set_author("Fictional test document")
    pdf.add_font("body", "", str(font_dir / "LiberationSans-Regular.ttf"))
    pdf.add_font("body", "B", str(font_dir / "LiberationSans-Bold.ttf"))
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()
    for block in REPORT:
        kind = block[0]
        if kind == "title":
            pdf.set_y(90)
            pdf.set_font("body", "B", 30)
            pdf.cell(0, 16, block[1], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        elif kind == "page":
            pdf.add_page()
        elif kind in ("h1", "h2", "h3"):
            heading(pdf, block[1], int(kind[1]))
        elif kind == "p":
            paragraph(pdf, block[1])
        elif kind in ("ul", "ol"):
            for number, item in enumerate(block[1], start=1):
                pdf.set_font("body", "", 11.5)
                mark = f"{number}." if kind == "ol" else "•"
                pdf.cell(6, 6.2, mark)
                pdf.cell(0, 6.2, item, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif kind == "grades":
            pdf.set_font("body", "", 11)
            heading_style = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))
            with pdf.table(
                col_widths=(110, 50),
                headings_style=heading_style,
                line_height=8,
                text_align="LEFT",
            ) as table:
                table.row(("Area of policing", "Grade"))
                for area, grade in block[1]:
                    table.row((area, grade))
            pdf.ln(5)
        elif kind == "table":
            pdf.set_font("body", "", 10)
            heading_style = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))
            with pdf.table(
                col_widths=(80, 40, 40), headings_style=heading_style, line_height=6.5
            ) as table:
                table.row(block[1])
                for row in block[2]:
                    table.row(row)
            pdf.ln(5)
        elif kind == "box":
            if pdf.get_y() > pdf.h - 70:
                pdf.add_page()
            pdf.set_font("body", "B", 12)
            pdf.set_fill_color(235, 242, 250)
            pdf.cell(0, 8, block[1], fill=True, new_x="LMARGIN", new_y="NEXT")
            paragraph(pdf, block[2], size=11, indent=4)
        elif kind == "afi":
            if pdf.get_y() > pdf.h - 50:  # the label stays with its text
                pdf.add_page()
            pdf.set_font("body", "B", 12)
            pdf.cell(0, 7.5, f"Area for improvement {block[1]}", new_x="LMARGIN", new_y="NEXT")
            paragraph(pdf, block[2], indent=4)
        elif kind == "coc":
            if pdf.get_y() > pdf.h - 50:
                pdf.add_page()
            pdf.set_font("body", "B", 12)
            pdf.cell(0, 7.5, "Cause of concern", new_x="LMARGIN", new_y="NEXT")
            paragraph(pdf, block[1], indent=4)
        elif kind == "rec":
            paragraph(pdf, block[1], indent=4)
        else:
            raise ValueError(f"unknown block {kind}")
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return pdf.page_no()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--font-dir", type=Path, default=Path("/usr/share/fonts/truetype/liberation")
    )
    args = parser.parse_args()
    pages = build(args.out, args.font_dir)
    print(f"{args.out}: {pages} pages, {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
