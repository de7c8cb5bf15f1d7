"""The shared shape of a command's run report: exit code from failures, JSON summary."""

from __future__ import annotations

import dataclasses
from typing import Any


class RunReport:
    """Mixin for report dataclasses with a ``failed`` list (exit code 1 when not empty)."""

    failed: list

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def to_json(self) -> dict[str, Any]:
        """The report as the JSON summary printed by ``--json``."""
        return dataclasses.asdict(self) | {"exit_code": self.exit_code}
