"""The course's teaching content: YAML files under ``assets/content/`` read into validated
models (:mod:`.model`): quizzes, vignettes, scenarios, polls, reflections and the rest.
"""
