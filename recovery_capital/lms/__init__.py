"""The course inside a learning platform: xAPI statements, LTI 1.3 launches and grade return,
and the JupyterHub user-to-participant mapping.

Everything here is off until ``course.yaml`` asks for it (``xapi:``, ``lti:``); the exercises
reach it through one seam, :func:`recovery_capital.lms.events.exercise_event`.
"""
