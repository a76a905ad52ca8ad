"""Routing rules: delegated → subdistrict team, others → domain team, hub layer wins, several → lead + assist."""

from zhifa.engine.routing import DEFAULT_RULES, DOMAIN_TEAM, ItemRef, Place, Router, Rule

ROUTER = Router(
    DEFAULT_RULES,
    subdistrict_teams={"330102018": "ST-330102018", "330102015": "ST-330102015"},
    domain_teams={"comprehensive": "DT-comprehensive", "market": "DT-market", "transport": "DT-transport"},
    layers={("330102HUB", "JT0001"): "HUB-JT", ("330102HUB", "ZH0001"): "HUB-ZH"},
    district_command="DC",
)
OIL = ItemRef("ZH0001", "comprehensive", True)
FOOD = ItemRef("SJ0001", "market", False)
TAXI = ItemRef("JT0001", "transport", False)
JIUBAO = Place("330102018")
HUB = Place("330102015", ("330102HUB",))


def test_delegated_item_goes_to_the_subdistrict_team():
    route = ROUTER.route_item(OIL, JIUBAO)
    assert route.unit == "ST-330102018"
    assert "赋权" in route.rule


def test_non_delegated_item_goes_to_the_district_domain_team():
    assert ROUTER.route_item(FOOD, JIUBAO).unit == "DT-market"


def test_hub_layer_wins_inside_the_hub_only():
    assert ROUTER.route_item(TAXI, HUB).unit == "HUB-JT"
    assert ROUTER.route_item(OIL, HUB).unit == "HUB-ZH"
    # Same items outside the hub follow the ordinary rules.
    assert ROUTER.route_item(TAXI, JIUBAO).unit == "DT-transport"
    # An item no layer covers falls through to its ordinary owner even inside the hub.
    assert ROUTER.route_item(FOOD, HUB).unit == "DT-market"


def test_no_place_sends_delegated_items_to_command_centre():
    assert ROUTER.route_item(OIL, Place()).unit == "DC"
    assert ROUTER.route_item(FOOD, Place()).unit == "DT-market"


def test_several_domains_give_lead_and_assisting():
    decision = ROUTER.route(
        [ItemRef("SJ0001", "market", False, 0.9), ItemRef("ZH0001", "comprehensive", True, 0.7)], JIUBAO
    )
    assert decision.lead == "DT-market"
    assert decision.assisting == ("ST-330102018",)
    assert "SJ0001→DT-market" in decision.explanation
    weak = ROUTER.route(
        [ItemRef("SJ0001", "market", False, 0.9), ItemRef("ZH0001", "comprehensive", True, 0.2)], JIUBAO
    )
    assert weak.assisting == ()


def test_rule_order_is_respected_and_unit_target():
    rules = (
        Rule(
            5,
            "九堡市场类先派街道",
            "unit:ST-330102018",
            domains=frozenset({"market"}),
            subdistricts=frozenset({"330102018"}),
        ),
    ) + DEFAULT_RULES
    router = Router(
        rules,
        subdistrict_teams=ROUTER.subdistrict_teams,
        domain_teams=ROUTER.domain_teams,
        layers=ROUTER.layers,
        district_command="DC",
    )
    assert router.route_item(FOOD, JIUBAO).unit == "ST-330102018"
    assert router.route_item(FOOD, Place("330102015")).unit == "DT-market"


def test_missing_target_falls_through_and_no_items_go_to_command():
    router = Router(
        (Rule(1, "x", DOMAIN_TEAM),), subdistrict_teams={}, domain_teams={}, layers={}, district_command="DC"
    )
    assert router.route_item(FOOD, JIUBAO).unit == "DC"
    assert ROUTER.route([], JIUBAO).lead == "DC"
