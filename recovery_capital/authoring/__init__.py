"""Tools for educators who adapt the course in YAML and notebooks: ``new-course``,
``new-module`` and ``check`` (:mod:`.cli`), and the checks behind them.
"""
