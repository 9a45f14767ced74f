"""Everything that runs the course in Voila: ``recovery-capital serve`` (:mod:`.serve`), the
Voila application (:mod:`.app`) and its kernels, pages, visitors and security.
The only part that imports ``voila`` or ``jupyter_server``.
"""
