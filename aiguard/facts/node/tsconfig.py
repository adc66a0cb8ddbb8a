"""tsconfig.json/jsconfig.json facts: `paths`, `baseUrl`, and ambient `declare module` names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


# ---------------------------------------------------------------------------------------------
# tsconfig.json / jsconfig.json
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TsConfig:
    """The module-resolution options of one config, after its `extends` chain.

    `complete` is False when an `extends` could not be found or read: then options may be
    missing, and a failed alias must not be called a missing file.
    """

    path: str
    base_url: str | None = None  # repo-relative directory
    paths: tuple[tuple[str, tuple[str, ...]], ...] = ()
    paths_base: str = ""  # the directory relative `paths` targets start from
    complete: bool = True


@dataclass(frozen=True)
class AmbientModules:
    """The module names `declare module "x"` provides; `*` patterns (`"*.svg"`) included."""

    exact: frozenset[str] = frozenset()
    patterns: tuple[tuple[str, str], ...] = ()  # (prefix, suffix) of "prefix*suffix"

    def declares(self, spec: str) -> bool:
        if spec in self.exact:
            return True
        return any(
            spec.startswith(p) and spec.endswith(s) and len(spec) >= len(p) + len(s)
            for p, s in self.patterns
        )
