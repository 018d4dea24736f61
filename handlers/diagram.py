"""docs/conversation.md's diagram, drawn from the declarations it shows: the intake's steps and
side states (handlers.intake.STEPS, SIDE_STATES) and the citizen's commands that move the
conversation (handlers.registry.CITIZEN, ``moves``). ``python -m handlers.diagram`` rewrites the
block in the doc; tests/test_registry.py checks the doc holds what this draws."""
from __future__ import annotations

import re
import sys
from pathlib import Path

from handlers import commands  # noqa: F401  (declares the citizen's commands)
from handlers.intake import SIDE_STATES, STAYS, STEPS
from handlers.registry import CITIZEN

DOC = Path(__file__).resolve().parents[1] / "docs" / "conversation.md"
BLOCK = re.compile(r"```mermaid\n.*?```", re.S)


def mermaid() -> str:
    lines = ["stateDiagram-v2", "    [*] --> idle", "    idle --> name: any text (also 我要反映, menu XF_REPORT)"]
    sms = [s for s in STEPS if s != "phone"]
    for a, b in zip(STEPS, STEPS[1:]):
        if b == "phone":
            lines.append(f"    {a} --> {b}: answered (WeChat)")
            lines.append(f"    {a} --> {sms[sms.index(a) + 1]}: answered (SMS: the sender's number is proven)")
        else:
            lines.append(f"    {a} --> {b}: answered, or said before")
    lines.append(f"    {STEPS[-1]} --> idle: 确认 → tracking number")
    lines += [f"    {step} --> {step}: {what}" for step, what in STAYS.items()]
    for state, (step, entering, to, leaving) in SIDE_STATES.items():
        lines.append(f"    {step} --> {state}: {entering}")
        lines.append(f"    {state} --> {to}: {leaving}")
    for verb in CITIZEN.verbs.values():
        for a, b in verb.moves:
            if (a, b) == ("idle", "name"):
                continue   # drawn first, with any text
            note = " (from any intake state)" if a == STEPS[0] and b == "idle" else ""
            word = min(verb.words, key=len) + (" 编号" if verb.numbered else "")
            lines.append(f"    {a} --> {b}: {word}{note}")
    return "```mermaid\n" + "\n".join(lines) + "\n```"


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    DOC.write_text(BLOCK.sub(lambda _: mermaid(), text, count=1), encoding="utf-8")
    sys.stdout.write(mermaid() + "\n")


if __name__ == "__main__":
    main()
