"""The domain's values as people read them: `definitive` is "definitief" in Dutch.

The domain, the event log, the API and the projections keep the English values (they are data,
compared and stored); only where a person reads one does it pass `label()`. Each value is
marked `N_` here so the catalogue test sees it, and its Dutch is in `labels.po`.
"""

from __future__ import annotations

from adapters.i18n.catalogues import N_, gettext

KNOWN: frozenset[str] = frozenset(
    {
        # a party's status in an agreement (domain/agreement.py PartyStatus)
        N_("negotiating"),
        N_("negotiator agreement"),
        N_("signed"),
        N_("conditionally signed"),
        N_("definitive"),
        N_("participation suspended"),
        N_("talks resumed"),
        N_("resumed"),
        N_("withdrawn"),
        N_("involved, not signing"),
        # a consultation's phase (domain/consultation.py Phase)
        N_("scheduled"),
        N_("open"),
        N_("deadline passed"),
        N_("closed"),
        N_("cancelled"),
        # choices on a ballot or in the ALV (Choice, AssemblyChoice)
        N_("yes"),
        N_("no"),
        N_("blank"),
        N_("abstain"),
        # the members' advice (domain/voting_rules.py Outcome.advice) and the tie rules
        N_("positive"),
        N_("negative"),
        N_("tie"),
        N_("none"),
        N_("no quorum"),
        N_("no option"),
        N_("undecided"),
        # the board's decision and its outcome (domain/board_ratification.py)
        N_("ratify"),
        N_("reject"),
        N_("refer"),
        N_("ratified"),
        N_("rejected"),
        N_("pending"),
        # deadlines: kinds (domain/deadlines.py) and states (projections/deadlines.py, queries)
        N_("consultation closes"),
        N_("closing soon"),
        N_("ratification due"),
        N_("ALV meets"),
        N_("review due"),
        N_("review finding due"),
        N_("non-voters reminder"),
        N_("fired"),
        N_("done"),
        N_("due"),
        N_("overdue"),
        # resolutions, conditions, ALV items (domain/resolution.py, general_assembly.py)
        N_("resolution"),
        N_("motion"),
        N_("ratification"),
        N_("other"),
        N_("talks"),
        N_("met"),
        N_("failed"),
        # monitoring findings (domain/commitment.py Finding)
        N_("on track"),
        N_("needs adjustment"),
        N_("adjusted"),
        # funding rules (domain/funding.py RuleKind)
        N_("continues"),
        N_("depends on participation"),
        # a region's decisions (domain/region.py) and a grant's entitlement (readmodels)
        N_("standing"),
        N_("waiting"),
        N_("reopened"),
        N_("moot"),
        N_("unknown"),
        N_("entitled"),
        N_("not entitled"),
        N_("not a party"),
        # roles (domain/actor.py Role)
        N_("officer"),
        N_("secretary"),
        N_("board"),
        N_("auditor"),
        N_("system"),
        # weight rounding (domain/weights.py WeightRule)
        N_("ceil"),
        N_("floor"),
        N_("nearest"),
        # the processes of the timeline (the aggregates' names)
        N_("Agreement"),
        N_("BoardRatification"),
        N_("Commitment"),
        N_("ConditionalSigning"),
        N_("Consultation"),
        N_("GrantScheme"),
        N_("GeneralAssembly"),
        N_("ImplementationTest"),
        N_("Member"),
        N_("Region"),
        N_("Resolution"),
        N_("ScenarioStep"),
        N_("WorkflowInstance"),
    }
)

_OPTION = "option "


def label(value: object) -> str:
    """`value` (a StrEnum member or its string) in the current language; unknown words (titles,
    codes, option names chosen by people) come back as they are."""
    if value is None:
        return ""
    text = str(value)
    if text in KNOWN:
        return gettext(text)
    if text.startswith(_OPTION):  # the advice of a multi-option consultation: "option B"
        return gettext("option %(name)s", name=text[len(_OPTION) :])
    return text
