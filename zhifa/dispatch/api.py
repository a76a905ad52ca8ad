"""JSON API of the command centre under /api/v1/dispatch: the routers of its capabilities, mounted together."""

from ninja import Router

from zhifa.dispatch.coordination.api import router as coordination_router
from zhifa.dispatch.events.api import router as events_router
from zhifa.dispatch.hotline.api import router as hotline_router

router = Router()
router.add_router("", events_router)
router.add_router("", coordination_router)
router.add_router("", hotline_router)
