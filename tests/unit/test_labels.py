"""Every value of the domain's enumerations reads in Dutch: a new status, phase or deadline kind
added in domain/ without a label (adapters/i18n/labels.py, labels.po) fails here."""

from __future__ import annotations

import importlib
import pkgutil
from enum import StrEnum

import domain
from adapters.i18n.catalogues import speaking
from adapters.i18n.labels import KNOWN, label


def domain_values() -> dict[str, str]:
    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(domain.__path__):
        module = importlib.import_module(f"domain.{info.name}")
        for item in vars(module).values():
            if isinstance(item, type) and issubclass(item, StrEnum) and item is not StrEnum:
                for member in item:
                    found[member.value] = f"{item.__module__}.{item.__qualname__}"
    return found


def test_every_domain_value_has_a_label() -> None:
    values = domain_values()
    assert "definitive" in values  # the walk did find the enumerations
    missing = {v: where for v, where in values.items() if v not in KNOWN}
    assert not missing, f"values without a label in adapters/i18n/labels.py: {missing}"


def test_labels_follow_the_language() -> None:
    with speaking("nl"):
        assert label("definitive") == "definitief"
        assert label("consultation closes") == "ledenraadpleging sluit"
        assert label("option B") == "keuze B"
        assert label("AZWA") == "AZWA"  # not one of ours: as it is
        assert label(None) == ""
    with speaking("en"):
        assert label("definitive") == "definitive"
