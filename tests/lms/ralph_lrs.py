"""Run Ralph LRS with its file back-end on loopback: ``python ralph_lrs.py PORT``.

Ralph 5.1's file back-end creates its statements file on the first write and refuses every
later one ("already exists and overwrite is not allowed"), so only one POST ever succeeds.
Its own APPEND mode is what an LRS needs; this launcher makes it the default before starting
Ralph's real API (validation, authentication, queries and all) under uvicorn.
"""

from __future__ import annotations

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
