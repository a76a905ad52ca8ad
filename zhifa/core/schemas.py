"""API schemas that know no app and that several apps' answers share."""

from ninja import Schema


class RefOut(Schema):
    """A reference to a coded row (region, unit, team, domain …): its code and name."""

    code: str
    name: str
