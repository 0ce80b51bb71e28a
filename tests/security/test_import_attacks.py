# ruff: noqa: F811 - the office-file tests' fixtures are imported by name
"""Attacks on the spreadsheet import, from the admin's import page (issue 12's "safe with any file").

- With Redis down the preview answered 500 (the upload was stored with the raw cache client).
- A 100 KB xlsx whose rows each hold one cell in column XFD made the reader build 16,384-cell
  rows: 19,000 of them held a worker for 30 s and gigabytes until gunicorn killed it (bare 500).
"""

import tempfile

import pytest

from congress.kit import import_admin
from congress.kit.import_jobs import UploadStore
from congress.models import ImportJob
from deputies.models import Deputy
from tests.congress.test_import_office_files import (  # noqa: F401
    CONFIRM,
    HEADERS,
    admin_client,
    delegation,
    handmade_xlsx,
    refusal,
    row,
    upload,
    workbook,
)


@pytest.fixture
def uploads_folder(tmp_path, monkeypatch):
    """The store's private folder (the fallback without Redis) inside this test's tmp_path."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path / "renda-imports"


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/12"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield
    from congress.kit.sharedcache import shared

    shared.reset()


def test_with_redis_down_the_preview_and_the_confirmation_still_work(
    admin_client, delegation, uploads_folder, redis_down
):
    assert UploadStore().shared_cache  # the production set-up: uploads go to Redis

    preview = upload(admin_client, workbook(("Sheet1", [HEADERS, row(1)])))

    assert preview.status_code == 200
    assert "confirm_form" in preview.context, refusal(preview)
    assert len(list(uploads_folder.iterdir())) == 1  # kept on this server meanwhile
    done = admin_client.post(CONFIRM, preview.context["confirm_form"].initial)
    assert done.status_code == 302
    page = admin_client.get(done["Location"])
    assert page.status_code == 200
    assert page.context["job"].status == ImportJob.Status.DONE, page.context["job"].message
    assert list(Deputy.objects.values_list("card_number", flat=True)) == ["P001"]
    assert list(uploads_folder.iterdir()) == []  # deleted once read


def _rows_far_to_the_right(count: int, column: str) -> str:
    return "".join(
        f'<row r="{r}"><c r="{column}{r}"><v>1</v></c></row>' for r in range(3, count + 3)
    )


def test_cells_far_to_the_right_are_refused_before_whole_rows_are_built(
    admin_client, delegation, monkeypatch
):
    data = handmade_xlsx([HEADERS, row(1)], extra_rows=_rows_far_to_the_right(2000, "XFD"))
    assert len(data) < 100_000

    def mapped(*args, **kwargs):
        raise AssertionError("the reader passed on 2,000 rows of 16,384 cells each")

    monkeypatch.setattr(import_admin, "prepare", mapped)  # the admin page maps the rows

    message = refusal(upload(admin_client, data))

    assert "XFD" in message and "单元格" in message
    assert Deputy.objects.count() == 0 and not ImportJob.objects.exists()


def test_a_cell_reference_beyond_excels_last_column_is_a_damaged_file(admin_client, delegation):
    data = handmade_xlsx(
        [HEADERS, row(1)], extra_rows='<row r="3"><c r="ZZZZZZZZ3"><v>1</v></c></row>'
    )

    message = refusal(upload(admin_client, data))

    assert "文件已损坏" in message
    assert Deputy.objects.count() == 0


def test_a_stray_value_in_a_far_column_is_still_named(admin_client, delegation):
    data = handmade_xlsx([HEADERS, row(1)], extra_rows=_rows_far_to_the_right(1, "XFD"))

    message = refusal(upload(admin_client, data))

    assert "XFD" in message
    assert Deputy.objects.count() == 0


def test_a_csv_with_a_million_columns_is_refused(admin_client, delegation):
    header = ",".join(HEADERS)
    data = (header + "\n" + "," * 2_100_000 + "x\n").encode()

    message = refusal(upload(admin_client, data, name="名册.csv"))

    assert "单元格" in message
    assert Deputy.objects.count() == 0


def test_a_shared_strings_table_longer_than_the_cell_budget_is_refused(
    admin_client, delegation, settings
):
    """4.4 million short texts (10 MB zipped, 91 MB unpacked: under the unpacked limit) held a
    worker for 30 s until gunicorn killed it; the table is refused once past the cell budget."""
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "IMPORT_MAX_CELLS": 1000}
    texts = [[f"文字{r}-{c}" for c in range(12)] for r in range(84)]  # 1,008 distinct texts
    data = handmade_xlsx([HEADERS, row(1), *texts])

    message = refusal(upload(admin_client, data))

    assert "超过 1000 条" in message
    assert Deputy.objects.count() == 0


def test_millions_of_empty_rows_are_refused_once_past_excels_last_row(admin_client, delegation):
    """16 million empty <row/> elements (141 KB zipped, 92 MB unpacked: under the unpacked limit,
    and empty rows were not counted) held a worker past gunicorn's time-out."""
    data = handmade_xlsx([HEADERS, row(1)], extra_rows="<row/>" * 1_048_576)

    message = refusal(upload(admin_client, data))

    assert "1048576" in message and "空行" in message
    assert Deputy.objects.count() == 0
