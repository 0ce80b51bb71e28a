"""Spreadsheet import and export of handling units (see congress.kit.importing)."""

from congress.kit.importing import ChoiceWidget, Column, LookupWidget, SheetResource, YesNoWidget
from congress.models import Organisation, Town


class OrganisationResource(SheetResource):
    # Rows are saved one by one (no bulk): a parent unit listed above its children in the same
    # file is then found by the rows below it.
    name = Column("name", "名称")
    short_name = Column("short_name", "简称")
    kind = Column("kind", "类型", ChoiceWidget(Organisation.Kind))
    parent = Column("parent", "上级单位", LookupWidget(Organisation))
    town = Column("town", "镇街道", LookupWidget(Town))
    active = Column("active", "启用", YesNoWidget())

    class Meta:
        model = Organisation
        fields = ("name", "short_name", "kind", "parent", "town", "active")
        import_id_fields = ("name",)
