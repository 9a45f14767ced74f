"""The trainee's session inside a module page's kernel: who is here, in which cohort, and the
store their answers go to (:mod:`.context`). Knows nothing of widgets or of the Voila server.
"""
