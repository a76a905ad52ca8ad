"""JSON-safe snapshots of model instances for the audit trail."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.forms.models import model_to_dict


def to_jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def snapshot(instance, fields: list[str] | None = None, exclude: tuple[str, ...] = ("search_text",)) -> dict:
    data = model_to_dict(instance, fields=fields, exclude=list(exclude))
    for key, value in list(data.items()):
        if isinstance(value, list) and value and hasattr(value[0], "pk"):
            data[key] = sorted(v.pk for v in value)
    data["id"] = instance.pk
    return to_jsonable(data)
