"""Settings, each declared once: the course folder's ``course.yaml`` (:mod:`.course`), the
learning-platform section (:mod:`.lms`) and serving (:mod:`.serving`).
"""
