"""Input and output schemas of the catalog API."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from zhifa.catalog.choices import ItemKind, TravelScene

KindValue = Literal[tuple(ItemKind.values)]  # type: ignore[valid-type]
SceneValue = Literal[tuple(TravelScene.values)]  # type: ignore[valid-type]


class ItemQuery(Schema):
    q: str = Field(
        "", max_length=200, description="名称、关键词、违则或罚则中的词（空格分隔，全部命中）；或完整事项编码"
    )
    domain: str | None = Field(None, max_length=40, description="领域代码，如 comprehensive")
    delegated: bool | None = Field(None, description="是否赋权街道")
    kind: KindValue | None = Field(None, description="事项类型")
    high_frequency: bool | None = None
    scene: SceneValue | None = Field(None, description="出行场景：吃住行游购娱之一")
    status: Literal["active", "retired", "all"] = "active"


class DomainRef(Schema):
    code: str
    name: str


class ItemOut(Schema):
    code: str
    name: str
    domain: DomainRef
    kind: str
    legal_basis: str
    penalty_basis: str
    delegated: bool
    delegated_from: date | None
    delegation_basis: str = Field(description="赋权依据（仅赋权事项）")
    keywords: list[str]
    required_evidence: list[str]
    scenes: list[str]
    high_frequency: bool
    dormant: bool
    status: str
    updated_at: datetime


class BandOut(Schema):
    level: str
    party: str  # "" (either), "person" (公民) or "organisation" (法人或者其他组织)
    condition: str
    min_fine: Decimal
    max_fine: Decimal


class ScenarioRef(Schema):
    code: str
    name: str


class ItemDetailOut(ItemOut):
    bands: list[BandOut]
    scenarios: list[ScenarioRef]
    release_version: str | None

    @staticmethod
    def resolve_bands(obj):
        return list(obj.bands.all())

    @staticmethod
    def resolve_scenarios(obj):
        return list(obj.scenarios.all())

    @staticmethod
    def resolve_release_version(obj):
        return obj.release.version if obj.release_id else None


class DomainOut(Schema):
    code: str
    name: str
    is_core: bool
    item_count: int
    delegated_count: int


class ScenarioOut(Schema):
    code: str
    name: str
    description: str
    item_count: int


class ScenarioDetailOut(Schema):
    code: str
    name: str
    description: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj):
        return obj.active_items


class ReleaseOut(Schema):
    id: int
    version: str
    title: str
    source_name: str
    status: str
    summary: dict
    created_at: datetime
    created_by: str | None
    applied_at: datetime | None
    applied_by: str | None

    @staticmethod
    def resolve_created_by(obj):
        return str(obj.created_by) if obj.created_by_id else None

    @staticmethod
    def resolve_applied_by(obj):
        return str(obj.applied_by) if obj.applied_by_id else None


class ChangeOut(Schema):
    item_code: str
    kind: str
    fields: list[str]
    before: dict | None
    after: dict | None


class ReleaseDetailOut(ReleaseOut):
    changes: list[ChangeOut]

    @staticmethod
    def resolve_changes(obj):
        return list(obj.changes.order_by("kind", "item_code"))
