"""Small synthetic datasets bundled for examples and doctests (fictional respondents).

>>> from recovery_capital.scoring.datasets import read_dataset, list_datasets
>>> list_datasets()
['audit_uk_example', 'barc10_example', 'urica_example']
>>> read_dataset("barc10_example").shape
(12, 12)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["list_datasets", "read_dataset"]

_DATA = Path(__file__).parent / "data"


def list_datasets() -> list[str]:
    """Names of the bundled example datasets."""
    return sorted(path.stem for path in _DATA.glob("*.csv"))


def read_dataset(name: str) -> pd.DataFrame:
    """Read a bundled synthetic dataset as a DataFrame (one row per fictional respondent).

    Item columns are nullable integers so a blank stays blank.
    """
    import pandas as pd

    path = _DATA / f"{name}.csv"
    if not path.exists():
        raise ValueError(f"no dataset {name!r}; available: {', '.join(list_datasets())}")
    frame = pd.read_csv(path)
    items = [column for column in frame.columns if column.startswith("q")]
    return frame.astype({column: "Int64" for column in items})
