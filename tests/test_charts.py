"""Series charts read back as SVG: every shape inside the chart, bars standing on zero, points in the
order of their values, whatever the signs of the values."""
import xml.etree.ElementTree as ET

import pytest

from heshu.site.charts import Point, chart, markers

NS = {"svg": "http://www.w3.org/2000/svg"}


def points(*rows):
    """(year, value, measure) rows as chart points, each its own claim."""
    return [Point(year, value, "actual", measure, f"{value}", f"c{k}.html", f"c{k}")
            for k, (year, value, measure) in enumerate(rows)]


CASES = {
    "levels above zero": points((2018, 329, "level"), (2019, 25.5, "level"), (2020, 2.16, "level")),
    "changes above zero": points((2018, 5.2, "change"), (2019, 6.1, "change")),
    "a change below zero": points((2018, 3.5, "change"), (2019, -2.1, "change"), (2020, 6.0, "change")),
    "every change below zero": points((2019, -0.5, "change"), (2020, -2.1, "change")),
    "a level below zero": points((2018, -1.2, "level"), (2019, 0.4, "level"), (2020, 2.0, "level")),
    "levels and changes of both signs": points((2018, 120, "level"), (2019, -30, "change"), (2020, 90, "level")),
    "every value zero": points((2019, 0, "change"), (2020, 0, "level")),
}


def floats(el, *names):
    return [float(el.get(n)) for n in names]


@pytest.mark.parametrize("pts", CASES.values(), ids=CASES.keys())
def test_every_shape_is_inside_the_chart_and_bars_stand_on_zero(pts):
    svg = ET.fromstring(str(chart("s", "题目", "%", pts)))
    width, height = map(float, svg.get("viewBox").split()[2:])
    zero = float(svg.find("svg:line[@class='axis']", NS).get("y1"))  # the axis the bars stand on
    bars, dots = svg.findall("svg:a/svg:rect", NS), svg.findall("svg:a/svg:circle", NS)  # not the legend's
    assert len(bars) + len(dots) == len(pts)
    for bar in bars:
        x, y, w, h = floats(bar, "x", "y", "width", "height")
        assert w > 0 and h >= 0 and 0 <= x and x + w <= width and 0 <= y and y + h <= height
        assert abs(y - zero) < 0.11 or abs(y + h - zero) < 0.11  # from zero up, or down
    for dot in dots:
        cx, cy = floats(dot, "cx", "cy")
        assert 0 <= cx <= width and 0 <= cy <= height
    levels = [p.value for p in pts if p.measure == "level"]
    from_the_top = [v for _, v in sorted((float(d.get("cy")), v) for d, v in zip(dots, levels))]
    assert from_the_top == sorted(levels, reverse=True)


@pytest.mark.parametrize("pts", CASES.values(), ids=CASES.keys())
def test_the_zero_line_is_on_the_grid_and_marked(pts):
    svg = ET.fromstring(str(chart("s", "题目", "%", pts)))
    axis_y = float(svg.find("svg:line[@class='axis']", NS).get("y1"))
    grid = {float(g.get("y1")): t.text for g, t in zip(svg.findall("svg:line[@class='grid']", NS),
                                                       svg.findall("svg:text[@class='tick']", NS))}
    assert grid.get(axis_y) == "0"


def test_a_ring_sits_on_its_bar_below_zero():
    pts = CASES["a change below zero"]
    svg = ET.fromstring(str(chart("s", "题目", "%", pts)))
    bar = svg.findall("svg:a/svg:rect", NS)[1]
    ring = ET.fromstring(str(markers(pts)["c1"])).find("rect")  # a layer over the chart, inline in the page
    x, y, w, h = floats(bar, "x", "y", "width", "height")
    assert floats(ring, "x", "y", "width", "height") == pytest.approx([x - 3, y - 3, w + 6, h + 6], abs=0.11)


def test_a_point_of_more_or_less_than_a_year_says_its_period():
    pts = [Point(2023, 5.2, "actual", "change", "5.2%", "a.html", "a"),
           Point(2023, 6.1, "actual", "change", "6.1%", "b.html", "b", "2019—2023年")]
    svg = ET.fromstring(str(chart("s", "题目", "%", pts)))
    tips = [t.text for t in svg.findall("svg:a/svg:rect/svg:title", NS)]
    assert tips == ["2023年 实际 变化量：5.2%", "2019—2023年 实际 变化量：6.1%"]
