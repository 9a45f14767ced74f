"""Foundations every part shares and that import nothing else of the package: the error
hierarchy (:mod:`.errors`), reading YAML with plain-words problems (:mod:`.yaml_text`) and the
course-folder rule (:mod:`.locations`).
"""
