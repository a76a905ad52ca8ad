"""Catalog JSON API (/api/v1/catalog): items, domains, scenarios, and releases for admins."""

from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from zhifa.catalog import selectors
from zhifa.catalog.importing import check_size
from zhifa.catalog.schemas import (
    DomainOut,
    ItemDetailOut,
    ItemOut,
    ItemQuery,
    ReleaseDetailOut,
    ReleaseOut,
    ScenarioDetailOut,
    ScenarioOut,
)
from zhifa.catalog.services import release_apply, release_discard, release_import
from zhifa.core.pagination import ApiPagination

router = Router(tags=["catalog"])


@router.get("/items", response=list[ItemOut], summary="搜索执法事项")
@paginate(ApiPagination)
def items(request, params: Query[ItemQuery]):
    qs = selectors.item_search(
        user=request.user,
        q=params.q,
        domain=params.domain,
        delegated=params.delegated,
        kind=params.kind,
        status=None if params.status == "all" else params.status,
        high_frequency=params.high_frequency,
        scene=params.scene,
    )
    return qs


@router.get("/items/{code}", response=ItemDetailOut, summary="执法事项详情（含裁量基准、所属场景）")
def item(request, code: str):
    return selectors.item_get(user=request.user, code=code)


@router.get("/domains", response=list[DomainOut], summary="执法领域及事项数")
def domains(request):
    return list(selectors.domain_summary(user=request.user))


@router.get("/scenarios", response=list[ScenarioOut], summary="监管一件事场景")
def scenarios(request):
    return list(selectors.scenario_list(user=request.user))


@router.get("/scenarios/{code}", response=ScenarioDetailOut, summary="场景检查清单")
def scenario(request, code: str):
    return selectors.scenario_get(user=request.user, code=code)


@router.get("/releases", response=list[ReleaseOut], summary="清单版本（管理员）")
def releases(request):
    return list(selectors.release_list(user=request.user)[:200])


@router.get("/releases/{int:release_id}", response=ReleaseDetailOut, summary="清单版本及变更明细（管理员）")
def release(request, release_id: int):
    return selectors.release_get(user=request.user, pk=release_id)


@router.post("/releases", response={201: ReleaseOut}, summary="导入清单版本（管理员，multipart 上传）")
def release_create(
    request,
    version: Form[str],
    file: File[UploadedFile],
    title: Form[str] = "",
    discretion_file: File[UploadedFile] = None,
):
    # Refuse before reading the upload: a non-admin's file is never parsed.
    selectors.require_release_manager(request.user)
    for upload, name in ((file, "file"), (discretion_file, "discretion_file")):
        if upload is not None:
            check_size(upload.size, name)
    created = release_import(
        content=file.read(),
        filename=file.name or "",
        version=version,
        title=title,
        discretion_content=discretion_file.read() if discretion_file else None,
        discretion_filename=(discretion_file.name or "") if discretion_file else "",
        by=request.user,
    )
    return Status(201, created)


@router.post("/releases/{int:release_id}/apply", response=ReleaseOut, summary="发布清单版本（管理员）")
def release_publish(request, release_id: int):
    target = selectors.release_get(user=request.user, pk=release_id)
    return release_apply(release=target, by=request.user)


@router.post("/releases/{int:release_id}/discard", response=ReleaseOut, summary="作废清单版本（管理员）")
def release_set_aside(request, release_id: int):
    target = selectors.release_get(user=request.user, pk=release_id)
    return release_discard(release=target, by=request.user)
