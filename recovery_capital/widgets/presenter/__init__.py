"""Presenter mode: the projector view (:mod:`.presenter`), its running order (:mod:`.agenda`)
and the HTML of its screens (:mod:`.screens`)."""

from .agenda import Slide, day_slides
from .presenter import KEYS, Presenter, trainee_link

__all__ = ["KEYS", "Presenter", "Slide", "day_slides", "trainee_link"]
