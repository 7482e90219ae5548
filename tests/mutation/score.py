"""The mutation score: how many judged mutations the suite catches, and which survive."""

from __future__ import annotations

from dataclasses import dataclass

from tests.tooling.mutations import Mutation

from .lab import SERVERS, Outcome


@dataclass(frozen=True)
class Score:
    mutations: tuple[Mutation, ...]
    outcomes: dict[tuple[str, str], Outcome]  # (server, mutation name) -> outcome

    def of(self, mutation: Mutation) -> list[Outcome]:
        return [self.outcomes[(s, mutation.name)] for s in SERVERS if (s, mutation.name) in self.outcomes]

    @property
    def judged(self) -> list[Mutation]:
        return [m for m in self.mutations if any(o.applicable for o in self.of(m))]

    @property
    def unjudged(self) -> list[Mutation]:
        return [m for m in self.mutations if not any(o.applicable for o in self.of(m))]

    @property
    def survivors(self) -> list[tuple[Mutation, Outcome]]:
        return [(m, o) for m in self.mutations for o in self.of(m) if o.applicable and not o.detected and not o.problem]

    @property
    def problems(self) -> list[tuple[Mutation, Outcome]]:
        return [(m, o) for m in self.mutations for o in self.of(m) if o.problem]

    @property
    def detected(self) -> list[Mutation]:
        return [m for m in self.judged if all(o.detected for o in self.of(m) if o.applicable)]

    @property
    def percent(self) -> float:
        return 100.0 * len(self.detected) / len(self.judged) if self.judged else 0.0

    def report(self) -> str:
        lines = [f"mutation score: {len(self.detected)}/{len(self.judged)} judged mutations detected "
                 f"({self.percent:.1f}%); {len(self.unjudged)} not judgeable on any server", "",
                 "caught: a case that passed now fails; n/a: none of its cases passes on that server; "
                 "inert: the server gave it nothing to change", ""]
        header = f"{'mutation':44} {'breaks':38} " + " ".join(f"{s:>10}" for s in SERVERS)
        lines += [header, "-" * len(header)]
        for m in self.mutations:
            cells = []
            for s in SERVERS:
                o = self.outcomes.get((s, m.name))
                cells.append("?" if o is None else "problem" if o.problem else "caught" if o.detected
                             else "SURVIVED" if o.applicable else "inert" if o.judged else "n/a")
            lines.append(f"{m.name:44} {m.breaks:38} " + " ".join(f"{c:>10}" for c in cells))
        if self.survivors:
            lines += ["", "survivors (no case catches them):"]
            lines += [f"  {m.name} on {o.server}: {m.summary}; cases {', '.join(o.judged)} still {o.verdicts}"
                      for m, o in self.survivors]
        if self.unjudged:
            lines += ["", "not judgeable (none of their cases passes at baseline on any server):"]
            lines += [f"  {m.name}: cases {', '.join(m.cases)}" for m in self.unjudged]
        return "\n".join(lines)
