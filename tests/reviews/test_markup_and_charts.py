from congress.review.charts import Point, bar_chart, column_chart, month_points
from congress.review.markup import render_markdown


def test_sanitiser_removes_scripts_event_handlers_and_javascript_urls():
    html = render_markdown(
        "**粗体**<script>alert(1)</script>\n\n"
        '<img src="x" onerror="alert(1)"> <a href="https://example.cn" onclick="x()">ok</a>\n\n'
        "[点我](javascript:alert(1)) <iframe src='https://evil'></iframe>"
        '<p style="color:red" onmouseover="x()">styled</p>'
    )
    assert "<strong>粗体</strong>" in html
    assert "<script" not in html and "alert(1)" not in html.replace("javascript", "")
    assert "onerror" not in html and "onclick" not in html and "onmouseover" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html and "<img" not in html and "style=" not in html
    assert 'href="https://example.cn"' in html and 'rel="noopener noreferrer"' in html


def test_markdown_headings_sit_below_the_section_heading():
    html = render_markdown("# 一\n\n## 二\n\n### 三")
    assert "<h1" not in html and "<h2" not in html
    assert html.count("<h3>") == 3


def test_bar_chart_has_title_description_and_no_style_attribute():
    svg = bar_chart("c1", "按类型统计", [Point("视察", 3), Point("培训", 12)])
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">按类型统计</title>' in svg
    assert '<desc id="c1-desc">' in svg and "培训" in svg
    assert "style=" not in svg and "<script" not in svg
    assert svg.count("<rect") == 2


def test_column_chart_draws_twelve_months_and_escapes_labels():
    svg = column_chart("c2", "<按月>", month_points([(m, m) for m in range(1, 13)]))
    assert svg.count('class="bar"') == 12
    assert "&lt;按月&gt;" in svg and "<按月>" not in svg
    assert "style=" not in svg


def test_empty_series_says_so():
    svg = bar_chart("c3", "空", [])
    assert "<desc" in svg and "<rect" not in svg
