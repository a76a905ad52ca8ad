"""The event page lists as classification basis only items with a phrase of their own found in the text."""

from zhifa.dispatch.events.intake import event_intake


def test_event_page_cites_only_items_with_a_matched_phrase(clients, district):
    w = district
    event = event_intake(
        channel="12345",
        description="南星街道某饭店油烟扰民，晚上还在门口摆桌",
        reporter_name="张先生",
        by=w.carol,
    )
    classification = event.classification
    unmatched = [s for s in classification if not s["matched"]]
    matched = [s for s in classification if s["matched"]]
    assert matched and unmatched  # the text ranks items it shares no phrase with
    res = clients["carol"].get(f"/dispatch/events/{event.pk}/")
    assert res.status_code == 200
    page = res.content.decode()
    shown = [s["code"] for s in res.context["suggestions"]]
    assert shown == [s["code"] for s in matched]
    for s in unmatched:
        assert f'<code class="muted">{s["code"]}</code>' not in page
    assert f"另有 {len(unmatched)} 项仅与文字整体相似、没有共同短语，未列出" in page
    # The plain name, not the legal one, is the link text; the full name stays as its title.
    assert ">餐饮服务业经营者超过排放标准排放油烟</a>" in page
    assert '<span class="tag">油烟</span>' in page
    # Another subdistrict's officer cannot see the event at all.
    assert clients["bob"].get(f"/dispatch/events/{event.pk}/").status_code == 404
