"""The theme of a finding: the recurring areas of policing inspections report on (the
themes of the domain notes), read from a sentence's words and, in long reports, the
heading it sits under."""

from __future__ import annotations

import re

# Theme -> the words that name it. A sentence takes the theme with most matches; a tie
# goes to its heading's theme, else to the first here (the more specific themes first).
THEMES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.I)
    for name, pattern in {
        "vulnerability": r"\b(vulnerab\w*|domestic (abuse|violence)|safeguard\w*|"
        r"missing (child|people|person)\w*|child sexual exploitation|exploitation|"
        r"risk assessments?|victims? of domestic|mental health)\b",
        "soc": r"\b(serious and organised crime|county lines|organised crime)\b",
        "offenders": r"\b(offender\w*|registered sex offenders?|re-offending|wanted suspects?|"
        r"suspects?)\b",
        "investigation": r"\b(investigat\w*|digital (devices?|forensics?)|case files?|"
        r"charge (or summons )?rate|supervis\w*|victims? (were |was )?kept informed)\b",
        "integrity": r"\b(integrity|corrupt\w*|vetting|vetted|professional standards|"
        r"abuse of position)\b",
        "fairness": r"\b(stop and search\w*|use of force|force (is )?used|fair(ly|ness)?|"
        r"disproportionat\w*|disparit\w*|treat\w* (people|the public)|legitima\w*|complaints?)\b",
        "prevention": r"\b(prevent\w*|anti-social behaviour|problem-solving|burglary)\b",
        "neighbourhood": r"\b(neighbourhood\w*|police community support officers?|pcsos?|"
        r"local (policing )?teams?)\b",
        "collaboration": r"\b(collaborat\w*|joint working|partner forces?|shared (units?|"
        r"services?)|tri-force|neighbouring force|with (\w+ )?(police|constabulary|fire))\b",
        "finance": r"\b(financ\w*|£[\d.,]+|budget\w*|savings?|saved|funding gap|efficien\w*|"
        r"costs?)\b",
        "demand": r"\b(demand|calls?|call handl\w*|101|999|workforce plan\w*|"
        r"responding to the public|emergenc\w*|attend\w*|incidents?|recruit\w*|"
        r"student officers?|(less )?experienced)\b",
        "wellbeing": r"\b(wellbeing|well-being|sickness|occupational health|workloads?|"
        r"workforce|morale|ethical culture)\b",
    }.items()
}
OVERALL = "overall"


def theme_of(text: str, section: str | None = None) -> str | None:
    """The theme a sentence speaks of (``section``: its heading path), or None."""
    counts = {name: len(pattern.findall(text)) for name, pattern in THEMES.items()}
    best = max(counts.values())
    if best == 0:
        return next((n for n, p in THEMES.items() if section and p.search(section)), None)
    tied = [name for name, count in counts.items() if count == best]
    if section:
        for name in tied:
            if THEMES[name].search(section):
                return name
    return tied[0]
