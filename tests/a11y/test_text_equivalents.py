"""Charts and maps have text equivalents (WCAG 1.1.1): the board's map a list of subdistricts with their open
events, each dashboard chart a data table it names."""

import re

from tests.conftest import client_for


def test_board_map_has_a_list_of_subdistricts_with_their_open_events(site):
    html = client_for(site.carol).get("/dispatch/").content.decode()
    assert 'id="dispatch-map"' in html and "文字版见地图下方“按街道列出”" in html
    items = re.findall(r'<li><a href="\?subdistrict=(\d+)">([^<]+)</a>：在办 (\d+) 件</li>', html)
    assert items == [("330102008", "南星街道", "1"), ("330102018", "九堡街道", "0")]


def test_subdistrict_board_lists_only_its_own_subdistrict(site):
    html = client_for(site.sam).get("/dispatch/").content.decode()
    items = re.findall(r'<li><a href="\?subdistrict=(\d+)">([^<]+)</a>：在办 (\d+) 件</li>', html)
    assert items == [("330102008", "南星街道", "1")]


def test_dashboard_charts_name_their_data_tables(site):
    html = client_for(site.carol).get("/").content.decode()
    for chart, table in (
        ("chart-teams", "table-teams"),
        ("chart-domains", "table-domains"),
        ("chart-ages", "table-ages"),
    ):
        assert re.search(rf'id="{chart}" role="img" aria-label="[^"]+数据见下方“数据表”"', html), chart
        assert f'id="{table}"' in html, table
    ages = re.search(r'id="table-ages".*?</table>', html, re.S).group(0)
    assert "<th>年龄段</th><th>队员</th>" in ages and ages.count("<tr>") >= 2
