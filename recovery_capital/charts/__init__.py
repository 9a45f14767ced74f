"""Charts of scores for trainees, trainers and reports (matplotlib, drawn under one lock)."""
