"""Scoring published questionnaires exactly as their authors publish them.

Instrument definitions are YAML (``instruments/``) read by :mod:`.definitions`; :mod:`.engine`
scores one response or a whole DataFrame; :mod:`.miti` summarises MITI 4.2.1 codes;
:mod:`.datasets` reads the example data; :mod:`.cli` is ``recovery-capital instruments|score``.
This part imports nothing of the package but :mod:`recovery_capital.core`.

Importing it is cheap: nothing here loads pandas until a score is asked for.
"""
