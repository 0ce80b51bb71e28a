"""Spreadsheet import and export of a year's filings (see congress.kit.importing).

Rows are matched on the document number (文号), which names the organ and the year
(平政办发〔2022〕12号), so a corrected file updates the rows it imported before."""

from congress.kit.importing import ChoiceWidget, Column, DateWidget, LookupWidget, SheetResource
from congress.models import Organisation
from supervision.filing.models import NormativeDocument

CATEGORY_WORDS = {
    "市政府": "government",
    "政府": "government",
    "部门": "department",
    "法院": "judicial",
    "检察院": "judicial",
    "两院": "judicial",
    "镇街道": "town",
    "镇": "town",
    "街道": "town",
}


class NormativeDocumentResource(SheetResource):
    number = Column("number", "文号")
    title = Column("title", "文件名称")
    organ = Column("organ", "制定机关", LookupWidget(Organisation))
    category = Column("category", "类别", ChoiceWidget(NormativeDocument.Category, CATEGORY_WORDS))
    adopted_on = Column("adopted_on", "通过日期", DateWidget())
    published_on = Column("published_on", "公布日期", DateWidget())
    filed_on = Column("filed_on", "报备日期", DateWidget())

    class Meta:
        model = NormativeDocument
        fields = ("number", "title", "organ", "category", "adopted_on", "published_on", "filed_on")
        import_id_fields = ("number",)
