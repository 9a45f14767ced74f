"""Reports and exports: progress, cohort evaluation, certificates, workbooks, FHIR, import.

Every report that can show a participant's handle starts from a verified trainer key
(:func:`trainer_access`); the commissioner summary carries no handles at all.
"""

from __future__ import annotations
