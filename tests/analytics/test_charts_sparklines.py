"""Sparklines drawn in Python as inline SVG: points in the box, gaps for missing values."""

from decimal import Decimal

from guanxi.analytics.sparklines import sparkline, sparkline_points


def test_the_highest_value_is_at_the_top_and_the_lowest_at_the_bottom():
    points = sparkline_points([Decimal("1"), Decimal("3"), Decimal("2")], width=100, height=20)
    assert [y for _x, y in points] == [17.0, 3.0, 10.0]
    assert points[0][0] < points[1][0] < points[2][0]


def test_a_missing_value_breaks_the_line():
    svg = sparkline([1, 2, None, 4, 5], label="x")
    assert svg.count("<polyline") == 2
    assert 'data-points="5"' in svg
    assert 'data-values="1,2,,4,5"' in svg


def test_a_flat_series_runs_across_the_middle():
    assert {y for _x, y in sparkline_points([7, 7, 7], height=32)} == {16.0}


def test_the_label_is_escaped_and_names_the_image():
    svg = sparkline([1, 2], label='销售 <"总额">')
    assert 'role="img"' in svg
    assert 'aria-label="销售 &lt;&quot;总额&quot;&gt;"' in svg


def test_no_values_draw_an_empty_image():
    svg = sparkline([], label="x")
    assert "<polyline" not in svg and 'data-points="0"' in svg
