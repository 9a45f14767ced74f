"""Documents the course hands out: self-contained HTML pages (:mod:`.html`) and PDFs
(:mod:`.pdf`) with the course look, shared by reports and the facilitator guide.
"""
