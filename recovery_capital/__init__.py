"""recovery_capital: score recovery-capital and motivation-to-change assessments.

The import is kept light: pandas, SQLAlchemy, matplotlib and Voila load only when a
function that needs them is called.

>>> import recovery_capital as rc
>>> "barc10" in rc.list_instruments()
True
>>> rc.score("barc10", [5, 5, 5, 5, 5, 5, 5, 4, 4, 4]).scales
{'total': 47.0}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .core.errors import DefinitionError, InvalidResponse, RecoveryCapitalError, UnknownInstrument

__version__ = "0.1.0"

__all__ = [
    "DefinitionError",
    "InvalidResponse",
    "RecoveryCapitalError",
    "UnknownInstrument",
    "list_instruments",
    "load_instrument",
    "score",
    "score_frame",
    "read_dataset",
]

if TYPE_CHECKING:  # pragma: no cover
    from .scoring.datasets import read_dataset
    from .scoring.definitions import list_instruments, load_instrument
    from .scoring.engine import score, score_frame

_LAZY = {
    "list_instruments": "scoring.definitions",
    "load_instrument": "scoring.definitions",
    "score": "scoring.engine",
    "score_frame": "scoring.engine",
    "read_dataset": "scoring.datasets",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'recovery_capital' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module_name}", __name__), name)
    globals()[name] = value
    return value
