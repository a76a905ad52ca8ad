"""JSON API of the signed-in user's own display settings (/api/v1/accounts/me/display): 大字模式 (适老化)."""

from ninja import Router, Schema
from pydantic import StrictBool

from zhifa.accounts.services import user_display_set

router = Router(tags=["账号"])


class DisplayIn(Schema):
    large_text: StrictBool


class DisplayOut(Schema):
    large_text: bool


@router.get("/me/display", response=DisplayOut)
def display_get(request):
    return {"large_text": request.user.large_text}


@router.put("/me/display", response=DisplayOut)
def display_put(request, payload: DisplayIn):
    user = user_display_set(user=request.user, large_text=payload.large_text)
    return {"large_text": user.large_text}
