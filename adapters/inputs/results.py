"""Reading a vote's result from options: weights, a published percentage, or only the outcome."""

from __future__ import annotations

from domain.errors import InvalidInputError
from domain.rules import WeightedResult


def result_from(
    yes_pct: str | None,
    yes_weight: int | None,
    no_weight: int | None,
    announced: str | None = None,
) -> WeightedResult:
    given = [
        x is not None
        for x in (yes_pct, yes_weight if yes_weight is not None else no_weight, announced)
    ]
    if sum(given) > 1:
        raise InvalidInputError("give weights, a percentage, or the announced outcome: one of them")
    if announced is not None:
        if announced not in ("adopted", "rejected"):
            raise InvalidInputError(
                f"the announced outcome is adopted or rejected, not {announced!r}"
            )
        return WeightedResult.announced(announced == "adopted")
    if yes_weight is not None or no_weight is not None:
        if yes_weight is None or no_weight is None:
            raise InvalidInputError("give both --yes-weight and --no-weight")
        return WeightedResult.from_weights(yes_weight, no_weight)
    if yes_pct is None:
        raise InvalidInputError(
            "give the result: --yes-pct 93.4, --yes-weight and --no-weight, or --outcome adopted"
        )
    return WeightedResult.published(yes_pct)


def result_dict(result: WeightedResult) -> dict[str, object]:
    return {
        "outcome": "adopted" if result.adopted else "rejected",
        "yes_pct": None if result.yes_pct is None else str(result.yes_pct),
        "yes_weight": result.yes_weight,
        "no_weight": result.no_weight,
    }
