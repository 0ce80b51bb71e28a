"""Excel import and export of suggestions with their units and replies."""

import io

import pytest
import tablib
from openpyxl import Workbook

from proposals.models import Assignment, Reply, Signature, Suggestion
from proposals.resources import SuggestionResource
from tests.factories import OrganisationFactory, ReplyFactory

pytestmark = pytest.mark.django_db

HEADERS = [
    "编号",
    "年度",
    "标题",
    "类别",
    "领衔代表",
    "附议代表",
    "状态",
    "公开",
    "重点督办",
    "督办领导",
    "主办单位",
    "协办单位",
    "交办日期",
    "答复类别",
    "答复文号",
    "答复日期",
    "答复内容",
    "内容",
]


def row(n, lead, co, **over):
    values = {
        "编号": f"十六届一次会议第{n:03d}号",
        "年度": 2022,
        "标题": f"关于第{n}件事的建议",
        "类别": "城乡建设",
        "领衔代表": lead.name,
        "附议代表": co.name,
        "状态": "",
        "公开": "是",
        "重点督办": "否",
        "督办领导": "",
        "主办单位": "市交通运输局",
        "协办单位": "市住房和城乡建设局",
        "交办日期": "2022-03-18",
        "答复类别": "A",
        "答复文号": "平交函〔2022〕1号",
        "答复日期": "2022-06-10",
        "答复内容": "已办理。",
        "内容": "建议内容",
    }
    values.update(over)
    return [values[h] for h in HEADERS]


def dataset(rows):
    return tablib.Dataset(*rows, headers=HEADERS)


@pytest.fixture
def people(lead, make_deputy, session, category, unit, other_unit):
    return lead, make_deputy("沈永良")


def test_good_file_imports_items_units_and_replies(people):
    lead, co = people
    result = SuggestionResource().import_data(dataset([row(1, lead, co), row(2, lead, co)]))
    assert not result.has_errors() and not result.has_validation_errors()
    item = Suggestion.objects.get(number=1)
    assert item.status == Suggestion.Status.REPLIED and item.session.number == 1
    assert item.signers() == [lead, co]
    assert Assignment.objects.filter(role="lead").count() == 2
    assert Assignment.objects.get(suggestion=item, role="lead").due_date.isoformat() == "2022-06-18"
    assert Reply.objects.get(suggestion=item).reply_class == "A"


def test_one_bad_row_writes_nothing_and_is_reported(people):
    lead, co = people
    rows = [row(1, lead, co), row(2, lead, co, 主办单位="不存在的局"), row(3, lead, co)]
    result = SuggestionResource().import_data(dataset(rows))
    assert result.has_validation_errors()
    assert not Suggestion.objects.exists() and not Signature.objects.exists()
    (invalid,) = result.invalid_rows
    assert invalid.number == 3  # the header is row 1
    messages = [m for ms in invalid.error_dict.values() for m in ms]
    assert any("主办单位" in m and "不存在的局" in m for m in messages)


def test_bad_number_and_reply_class_are_reported(people):
    lead, co = people
    result = SuggestionResource().import_data(
        dataset([row(1, lead, co, 编号="第一号"), row(2, lead, co, 答复类别="Z")])
    )
    assert len(result.invalid_rows) == 2 and not Suggestion.objects.exists()


def test_reimport_replaces_relations_without_duplicates(people):
    lead, co = people
    SuggestionResource().import_data(dataset([row(1, lead, co)]))
    SuggestionResource().import_data(dataset([row(1, lead, co, 标题="改过的标题")]))
    assert Suggestion.objects.get().title == "改过的标题"
    assert Signature.objects.count() == 1 and Reply.objects.count() == 1


def test_export_escapes_formulas_and_round_trips(people):
    lead, co = people
    SuggestionResource().import_data(dataset([row(1, lead, co)]))
    item = Suggestion.objects.get()
    Suggestion.objects.filter(pk=item.pk).update(title='=HYPERLINK("http://x")')
    Reply.objects.filter(suggestion=item).update(text="+cmd|' /C calc'!A0")
    exported = SuggestionResource().export()
    values = dict(zip(exported.headers, exported[0], strict=True))
    assert values["标题"].startswith("'=")
    assert values["答复内容"].startswith("'+")
    assert values["主办单位"] == "市交通运输局" and values["附议代表"] == "沈永良"
    # The file goes back in unchanged.
    result = SuggestionResource().import_data(exported)
    assert not result.has_validation_errors()
    assert Suggestion.objects.get().title == '=HYPERLINK("http://x")'


def test_xlsx_upload_through_the_admin(client, staff, people):
    lead, co = people
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(row(1, lead, co))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "suggestions.xlsx"
    client.force_login(staff)
    response = client.post(
        "/en/admin/proposals/suggestion/import/",
        {"resource": "0", "format": "0", "import_file": buffer},
    )
    assert response.status_code == 200
    assert "Nothing was imported" not in response.content.decode()
    export = client.post("/en/admin/proposals/suggestion/export/", {"format": "0", "resource": "0"})
    assert export.status_code == 200


def test_export_query_count_is_flat(people, count_queries):
    lead, co = people
    unit = OrganisationFactory(name="市交通运输局")
    for n in range(1, 21):
        ReplyFactory(
            suggestion__lead=lead,
            suggestion__number=n,
            suggestion__code=f"十六届一次会议第{n:03d}号",
            organisation=unit,
        )
    with count_queries.capture() as queries:
        SuggestionResource().export()
    # 5 queries: the count, the suggestions (foreign keys joined), and their signatures,
    # assignments and replies (one prefetch each). None per suggestion.
    assert len(queries) <= 8
