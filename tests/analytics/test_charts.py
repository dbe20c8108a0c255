"""Report charts read like the tables: money axes in 万/亿 (Chinese) or K/M (English), exact
amounts with the sign before ¥ on hover, and the interface's colours."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from guanxi.analytics import charts
from tests.analytics.fixtures.reports import D, order
from tests.customers.fixtures.customers import CustomerFactory

CSS = Path(charts.__file__).parents[1] / "static" / "guanxi" / "guanxi.css"


def _axis(values, language):
    with translation.override(language):
        return charts.money_axis(values, title="金额")


def test_money_axis_counts_in_wan_in_chinese_and_k_in_english():
    values = [Decimal("12000"), Decimal("35000"), Decimal("0")]
    chinese = _axis(values, "zh-hans")
    assert chinese["tickvals"] == [0, 10000, 20000, 30000, 40000]
    assert chinese["ticktext"] == ["¥0", "¥1万", "¥2万", "¥3万", "¥4万"]
    assert chinese["range"] == [0, 40000]
    english = _axis(values, "en")
    assert english["ticktext"] == ["¥0", "¥10K", "¥20K", "¥30K", "¥40K"]


def test_money_axis_of_hundreds_of_millions():
    chinese = _axis([Decimal("350000000")], "zh-hans")
    assert chinese["ticktext"] == ["¥0", "¥1亿", "¥2亿", "¥3亿", "¥4亿"]
    english = _axis([Decimal("350000000")], "en")
    assert english["ticktext"] == ["¥0", "¥100M", "¥200M", "¥300M", "¥400M"]


def test_money_axis_shares_one_unit_with_decimals_where_needed():
    chinese = _axis([Decimal("25000")], "zh-hans")
    assert chinese["tickvals"] == [0, 5000, 10000, 15000, 20000, 25000]
    assert chinese["ticktext"] == ["¥0", "¥0.5万", "¥1万", "¥1.5万", "¥2万", "¥2.5万"]
    small = _axis([Decimal("800")], "zh-hans")
    assert small["ticktext"] == ["¥0", "¥200", "¥400", "¥600", "¥800"]


def test_money_axis_with_losses_puts_the_minus_before_the_sign():
    axis = _axis([Decimal("-15000"), Decimal("30000")], "zh-hans")
    assert axis["ticktext"][0] == "-¥2万"
    assert "¥0" in axis["ticktext"]
    assert axis["range"][0] < -15000 < 30000 <= axis["range"][1]


def test_money_axis_without_amounts_still_has_ticks():
    axis = _axis([None, Decimal("0")], "en")
    assert axis["tickvals"][0] == 0 and axis["tickvals"][-1] == 1


def test_bars_hover_with_the_exact_amount():
    bar = charts.money_bar(["一月", "二月"], [Decimal("1853577.00"), Decimal("-6269.91")], name="x")
    assert [list(row) for row in bar.customdata] == [["¥1,853,577.00"], ["-¥6,269.91"]]
    assert "%{customdata[0]}" in bar.hovertemplate
    line = charts.percent_line(["一月"], [Decimal("12.34")], name="y")
    assert [list(row) for row in line.customdata] == [["12.3%"]]


def test_figures_use_the_interface_palette():
    layout = charts.figure_data(charts.figure(charts.go.Bar(x=[1], y=[1])))["layout"]
    assert layout["colorway"] == list(charts.PALETTE)
    assert layout["piecolorway"] == list(charts.PALETTE)
    css_colours = set(re.findall(r"#[0-9a-f]{6}", CSS.read_text().lower()))
    # The brand, link, ok, warning and muted colours are the interface's own.
    named = [charts.PALETTE[i] for i in (0, 1, 2, 3, 7)]
    assert set(named) <= css_colours


@pytest.fixture
def big_orders(org):
    customer = CustomerFactory(owner=org["manager1"], name="大客户")
    order(customer, D(2026, 3, 1), "1853577.00")
    order(customer, D(2026, 4, 1), "350000.00")


def _figure(client, slug):
    url = reverse("analytics:report", args=[slug]) + "?date_from=2026-01-01&date_to=2026-12-31"
    response = client.get(url)
    assert response.status_code == 200
    return response.context["figure"]


def test_sales_trend_axis_in_wan_for_a_chinese_reader(login, big_orders):
    figure = _figure(login("exec"), "sales-trend")
    axis = figure["layout"]["yaxis"]
    assert axis["ticktext"][-1].endswith("万") and axis["ticktext"][-1].startswith("¥")
    assert axis["tickvals"][-1] >= 1853577
    march = figure["data"][0]["customdata"][2]
    assert march == ["¥1,853,577.00"]


def test_contribution_axis_in_k_and_m_for_an_english_reader(login, big_orders, english):
    figure = _figure(login("exec"), "customer-contribution")
    axis = figure["layout"]["yaxis"]
    assert axis["ticktext"] == ["¥0", "¥0.5M", "¥1M", "¥1.5M", "¥2M", "¥2.5M"]
    assert figure["data"][0]["customdata"] == [["¥2,203,577.00"]]
