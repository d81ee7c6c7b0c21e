"""The municipality's vision (vision) and its themes (visionsområden)."""

from __future__ import annotations

import strawberry

from vsm_common import scopes

from ..domain import model
from .common import Decision


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC, description="A theme of the vision (visionsområde), e.g. Hemstaden."
)
class VisionTheme:
    id: strawberry.ID = strawberry.field(description="Id of the theme (visionsområde).")
    name: str = strawberry.field(description="Name of the theme.")
    statement: str = strawberry.field(description="What the theme promises (viljeinriktning).")

    @classmethod
    def from_domain(cls, t: model.VisionTheme) -> VisionTheme:
        return cls(id=strawberry.ID(str(t.id)), name=t.name, statement=t.statement)


@strawberry.federation.type(
    requires_scopes=scopes.PUBLIC, keys=["id"], description="The municipality's vision (vision), e.g. Halmstad 2020."
)
class Vision:
    id: strawberry.ID = strawberry.field(description="Id of the vision.")
    title: str = strawberry.field(description="Title of the vision.")
    horizon_year: int = strawberry.field(description="The year the vision looks towards.")
    adopted: Decision | None = strawberry.field(description="The decision that adopted it (antagandebeslut).")
    themes: list[VisionTheme] = strawberry.field(description="Its themes (visionsområden).")
    values: list[str] = strawberry.field(description="Its value base (värdegrund).")

    @classmethod
    def from_domain(cls, v: model.Vision) -> Vision:
        return cls(
            id=strawberry.ID(str(v.id)),
            title=v.title,
            horizon_year=v.horizon_year,
            adopted=Decision.from_domain(v.adopted) if v.adopted else None,
            themes=[VisionTheme.from_domain(t) for t in v.themes],
            values=list(v.values),
        )
