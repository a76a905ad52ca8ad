"""The demo district's past year of command-centre events (see build.demo_events_build)."""

from zhifa.demo.events.build import demo_events_build

__all__ = ["demo_events_build"]
