"""The five-day programme around the modules: timetable, facilitator guide, action-learning
sets, practice log, follow-up and attendance.

One job per module:

- :mod:`.model`: the programme's YAML (days of timed sessions, action-learning meetings,
  follow-ups) and the course's live activities, handouts and guidance, validated on load;
- :mod:`.load`: where a course keeps them and how they are read (``course.yaml``'s
  ``programme:`` section or ``assets/programme/``);
- :mod:`.check`: what ``recovery-capital check`` adds (every module and activity exists);
- :mod:`.exercises`: every exercise the modules make, with its content, for the guide;
- :mod:`.guide_content`, :mod:`.guide_html`, :mod:`.guide_pdf`: the facilitator guide;
- :mod:`.sets`: splitting a cohort into action-learning sets;
- :mod:`.cli`: ``guide``, ``sets``, ``attendance`` and ``practice-log`` commands.
"""
