"""What is said, with the catalogue key it was said by and the values it carries.

A sentence the bot answers with is a :class:`Said`: it reads as the words themselves (a ``str``),
and it knows which entry of the catalogue made it and from which values. A provider that sends
only registered templates (Tencent Cloud SMS: core.words.templates) takes the key and the values,
never the finished words read back by their shape. Words joined to others lose the key (``+``
gives a plain ``str``): such an answer has no template of its own and goes as the one that says
where to read it; :meth:`Said.after` keeps the key where a short note comes first.
"""
from __future__ import annotations


class Said(str):
    key: str
    values: tuple[str, ...]

    def __new__(cls, text: str, key: str, *values: str) -> "Said":
        said = super().__new__(cls, text)
        said.key, said.values = key, tuple(str(v) for v in values)
        return said

    @property
    def params(self) -> dict:
        """As the outbox and a webhook's reply carry it: {"t": key, "v": [values in order]}."""
        return {"t": self.key, "v": list(self.values)}

    def after(self, note: str) -> "Said":
        """The same sentence with a short note before it ("您说的情况已记下。"): the template
        carries the sentence, the note is left out of it."""
        return Said(note + self, self.key, *self.values)


def params_of(reply: str, otherwise: dict) -> dict:
    """The template a reply goes as: its own when it is a :class:`Said`, else ``otherwise``."""
    return reply.params if isinstance(reply, Said) else otherwise
