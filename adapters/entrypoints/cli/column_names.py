"""The words of the commands' own tables, marked for the catalogue (`cli_commands.po`).

`show()` names a column after its key (`decided_at` reads "decided at", "besloten op" in
Dutch) and a nested value after its keys too, so the keys the commands show are listed here
once; a key that reads the same in Dutch (`id`, `code`, `status`, `forum`) is not. The values
below are words the commands show that are not among the domain's values (`labels.py`).
"""

from __future__ import annotations

from adapters.i18n.catalogues import N_

COLUMNS = (
    # consultations, votes, tallies
    N_("agreements"),
    N_("timezone"),
    N_("weight rule"),
    N_("population year"),
    N_("tally visibility"),
    N_("tie rule"),
    N_("quorum members"),
    N_("quorum weight pct"),
    N_("turnout warning pct"),
    N_("synthetic"),
    N_("synthetic note"),
    N_("ballots standing"),
    N_("electorate members"),
    N_("electorate weight"),
    N_("member"),
    N_("members"),
    N_("name"),
    N_("weight"),
    N_("choice"),
    N_("cast at"),
    N_("explanation"),
    N_("option"),
    N_("yes %"),
    N_("turnout (weight)"),
    N_("total"),
    # members and agreements
    N_("province"),
    N_("population"),
    N_("ended"),
    N_("term"),
    N_("parties"),
    # resolutions, the ALV, the board, UDO, signing
    N_("tabled by"),
    N_("yes pct"),
    N_("conditions"),
    N_("conditions met"),
    N_("effects"),
    N_("lifted"),
    N_("lifts"),
    N_("fulfilled"),
    N_("number"),
    N_("text"),
    N_("evidence"),
    N_("held on"),
    N_("proxy limit"),
    N_("attendance"),
    N_("proxies"),
    N_("present"),
    N_("represented members"),
    N_("represented weight"),
    N_("items"),
    N_("tally"),
    N_("consultation id"),
    N_("signing ids"),
    N_("advice detail"),
    N_("decided at"),
    N_("late"),
    N_("communicated"),
    N_("participants"),
    N_("critical points"),
    N_("process agreements"),
    N_("completed"),
    N_("presented"),
    # regions, funding, monitoring
    N_("committee"),
    N_("mandate municipality"),
    N_("decisions"),
    N_("budgets"),
    N_("body"),
    N_("reopen on"),
    N_("moot on"),
    N_("rules"),
    N_("cut pct"),
    N_("keeps on"),
    N_("note"),
    N_("allocations"),
    N_("excluded"),
    N_("owner"),
    N_("cadence days"),
    N_("next review at"),
    N_("raised"),
    N_("findings"),
    # the log, contacts, tokens, history
    N_("pos"),
    N_("effective at"),
    N_("aggregate"),
    N_("event"),
    N_("data"),
    N_("email"),
    N_("loaded"),
    N_("version"),
)

VALUES = frozenset(
    {
        N_("officers"),
        N_("everyone"),
        N_("adopted"),
        # how a member ended (domain/member.py HOW)
        N_("merged"),
        N_("split"),
        N_("renamed"),
        # how one agreement relates to another (`akkoord agreement register`)
        N_("supplements"),
        N_("continues participation in"),
    }
)
