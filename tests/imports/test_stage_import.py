"""The Stage import event of API.md, end to end: S3 event -> app handler -> DynamoDB and
imports-rejected/, checked through the public API (POST /v1/status, GET /v1/admin/audit)."""

from __future__ import annotations

import json

import pytest

from chalicelib.imports.importer import MAX_BYTES
from chalicelib.imports.reasons import codes_of
from tests.support.residents import nik
from tests.support.stage_import import HEADER, Imports, s3_event

YESTERDAY = "2026-11-24T10:00:00+07:00"
TODAY = "2026-11-25T08:30:00+07:00"


def test_the_stage_import_is_a_lambda_function_of_its_own() -> None:
    """Its S3 notification (imports/, ObjectCreated) is declared in infra/, where
    tests/infra checks it: `chalice package` cannot express @app.on_s3_event."""
    from app import app

    assert any(function.name == "stage_import" for function in app.pure_lambda_functions)


def test_a_good_file_sets_the_stages_residents_then_see(imports: Imports) -> None:
    summary = imports.put_and_run(
        "good.csv",
        f"{HEADER}\n{nik(1)},ektp,ready,{YESTERDAY}\n{nik(1)},kk,verifying,{YESTERDAY}\n{nik(2)},akta_lahir,printing,{TODAY}\n",
    )

    assert (summary["rows"], summary["applied"], summary["rejected"]) == (3, 3, 0)
    assert imports.stages(nik(1)) == {"ektp": ("ready", YESTERDAY), "kk": ("verifying", YESTERDAY)}
    assert imports.stages(nik(2)) == {"akta_lahir": ("printing", TODAY)}
    assert imports.rejected("good.csv") is None


BAD_ROWS = [
    # (row, expected reason codes)
    (f"3505121708850,ektp,ready,{YESTERDAY}", ["invalid_nik"]),
    (f"3505121708850000,ektp,ready,{YESTERDAY}", ["invalid_nik"]),  # serial 0000
    (f"3505123202850001,ektp,ready,{YESTERDAY}", ["invalid_nik"]),  # 32 February
    (f"{nik(3)},passport,ready,{YESTERDAY}", ["unknown_service"]),
    (f"{nik(3)},ektp,lost,{YESTERDAY}", ["unknown_stage"]),
    (f"{nik(3)},EKTP,ready,{YESTERDAY}", ["unknown_service"]),  # exactly as the admin route
    (f"{nik(3)},ektp,ready,2026-11-24T10:00:00", ["updated_at_without_offset"]),
    (f"{nik(3)},ektp,ready,2026-11-24", ["updated_at_without_offset"]),
    (f"{nik(3)},ektp,ready,24/11/2026 10:00", ["invalid_updated_at"]),
    (f"{nik(3)},ektp,ready,2026-11-25T09:06:00+07:00", ["updated_at_in_future"]),  # 6 min ahead
    (f"{nik(3)},ektp,ready", ["missing_columns"]),
    (f"{nik(3)},ektp,ready,{YESTERDAY},extra", ["extra_columns"]),
    ("123,paspor,lost,yesterday", ["invalid_nik", "unknown_service", "unknown_stage", "invalid_updated_at"]),
]


def test_bad_rows_go_to_the_rejected_file_with_their_reason_and_good_rows_still_apply(
    imports: Imports,
) -> None:
    lines = [HEADER, f"{nik(1)},ektp,ready,{YESTERDAY}"]
    lines += [row for row, _ in BAD_ROWS]
    lines += [f"{nik(2)},kk,received,2026-11-25T09:04:00+07:00"]  # 4 min ahead: within the skew
    summary = imports.put_and_run("mixed.csv", "\n".join(lines) + "\n")

    assert (summary["rows"], summary["applied"], summary["rejected"]) == (len(BAD_ROWS) + 2, 2, len(BAD_ROWS))
    assert imports.stages(nik(1)) == {"ektp": ("ready", YESTERDAY)}
    assert imports.stages(nik(2)) == {"kk": ("received", "2026-11-25T09:04:00+07:00")}
    assert imports.stages(nik(3)) is None

    rejected = imports.rejected("mixed.csv")
    assert rejected is not None
    assert rejected[0] == ["nik", "service", "stage", "updated_at", "reason"]
    assert len(rejected) == len(BAD_ROWS) + 1
    for (row, codes), written in zip(BAD_ROWS, rejected[1:], strict=True):
        cells = row.split(",")
        assert codes_of(written[4]) == codes, row
        assert written[:4] == [*cells, "", "", "", ""][:4]  # the original cells, padded
        assert written[5:] == cells[4:]  # cells past the header's follow the reason: none dropped


def test_a_reason_carries_indonesian_and_english_text(imports: Imports) -> None:
    imports.put_and_run("nik.csv", f"{HEADER}\n3505121708850000,ektp,ready,{YESTERDAY}\n")
    rejected = imports.rejected("nik.csv")
    assert rejected is not None
    assert rejected[1][4] == (
        "invalid_nik: NIK tidak valid (16 angka, tanggal lahir yang mungkin, nomor urut mulai 0001)"
        " / invalid NIK (16 digits, a possible birth date, a serial from 0001)"
    )


def test_a_wrong_header_rejects_every_row_and_applies_nothing(imports: Imports) -> None:
    summary = imports.put_and_run(
        "header.csv",
        f"nik,layanan,stage,updated_at\n{nik(1)},ektp,ready,{YESTERDAY}\n{nik(2)},kk,ready,{YESTERDAY}\n",
    )

    assert (summary["applied"], summary["rejected"], summary["file_rejected"]) == (0, 2, "wrong_header")
    assert imports.stages(nik(1)) is None
    rejected = imports.rejected("header.csv")
    assert rejected is not None
    assert rejected[0] == ["nik", "layanan", "stage", "updated_at", "reason"]  # the file's own header
    assert [row[:4] for row in rejected[1:]] == [
        [nik(1), "ektp", "ready", YESTERDAY],
        [nik(2), "kk", "ready", YESTERDAY],
    ]
    assert all(codes_of(row[4]) == ["wrong_header"] for row in rejected[1:])


def test_a_headerless_file_keeps_its_first_row_as_the_rejected_files_header(imports: Imports) -> None:
    summary = imports.put_and_run("noheader.csv", f"{nik(1)},ektp,ready,{YESTERDAY}\n")
    rejected = imports.rejected("noheader.csv")
    assert summary["file_rejected"] == "wrong_header"
    assert rejected is not None
    assert rejected[0] == [nik(1), "ektp", "ready", YESTERDAY, "reason"]
    assert codes_of(rejected[1][4]) == ["wrong_header"]


def test_an_empty_file_gets_a_rejected_file_saying_so(imports: Imports) -> None:
    summary = imports.put_and_run("empty.csv", b"")
    rejected = imports.rejected("empty.csv")
    assert (summary["rows"], summary["file_rejected"]) == (0, "empty_file")
    assert rejected is not None
    assert rejected[0] == ["nik", "service", "stage", "updated_at", "reason"]
    assert [codes_of(row[4]) for row in rejected[1:]] == [["empty_file"]]


def test_a_header_alone_imports_nothing_and_rejects_nothing(imports: Imports) -> None:
    summary = imports.put_and_run("header-only.csv", f"{HEADER}\r\n")
    assert (summary["rows"], summary["rejected"], summary["file_rejected"]) == (0, 0, None)
    assert imports.rejected("header-only.csv") is None


def test_a_file_over_the_size_limit_is_rejected_whole_and_nothing_is_applied(imports: Imports) -> None:
    row = f"{nik(1)},ektp,ready,{YESTERDAY}\n".encode()
    content = HEADER.encode() + b"\n" + row * (MAX_BYTES // len(row) + 1)
    assert len(content) > MAX_BYTES
    summary = imports.put_and_run("big.csv", content)

    assert (summary["applied"], summary["file_rejected"]) == (0, "file_too_large")
    assert imports.stages(nik(1)) is None
    rejected = imports.rejected("big.csv")
    assert rejected is not None
    assert [codes_of(r[4]) for r in rejected[1:]] == [["file_too_large"]]
    assert "10 MB" in rejected[1][4]


def test_excel_style_bytes_bom_crlf_quotes_and_spaces_are_read(imports: Imports) -> None:
    content = (
        "\ufeff NIK , Service,stage ,UPDATED_AT\r\n"
        f'"{nik(1)}", ektp ,"ready"  ,  {YESTERDAY}\r\n'
        f"\u00a0{nik(2)}\u00a0,kk,verifying,{YESTERDAY}\r\n"
        "\r\n"
        ",,,\r\n"
    ).encode()
    summary = imports.put_and_run("excel.csv", content)

    assert (summary["applied"], summary["rejected"], summary["blank"]) == (2, 0, 2)
    assert imports.stages(nik(1)) == {"ektp": ("ready", YESTERDAY)}
    assert imports.stages(nik(2)) == {"kk": ("verifying", YESTERDAY)}


def test_a_semicolon_file_from_an_indonesian_excel_is_read_and_rejected_alike(imports: Imports) -> None:
    content = (
        f"nik;service;stage;updated_at\r\n{nik(1)};ektp;ready;{YESTERDAY}\r\n{nik(2)};kk;lost;{YESTERDAY}\r\n"
    )
    summary = imports.put_and_run("titik-koma.csv", content.encode())

    assert (summary["applied"], summary["rejected"]) == (1, 1)
    data = imports.rejected_bytes("titik-koma.csv")
    assert data is not None
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "nik;service;stage;updated_at;reason"
    assert lines[1].startswith(f"{nik(2)};kk;lost;{YESTERDAY};unknown_stage: ")


def test_columns_may_come_in_any_order(imports: Imports) -> None:
    imports.put_and_run("order.csv", f"updated_at,stage,nik,service\n{YESTERDAY},ready,{nik(1)},ektp\n")
    assert imports.stages(nik(1)) == {"ektp": ("ready", YESTERDAY)}


def test_a_row_with_bytes_that_are_not_utf8_is_rejected_and_the_rest_applies(imports: Imports) -> None:
    content = (
        f"{HEADER}\n{nik(1)},ektp,ready,{YESTERDAY}\n".encode()
        + b"\xff\xfe"
        + f"{nik(2)},kk,ready,{YESTERDAY}\n".encode()
    )
    summary = imports.put_and_run("latin.csv", content)
    rejected = imports.rejected("latin.csv")
    assert (summary["applied"], summary["rejected"]) == (1, 1)
    assert rejected is not None
    assert codes_of(rejected[1][4]) == ["not_utf8"]


def test_an_unclosed_quote_costs_its_line_only_and_says_which(imports: Imports) -> None:
    runaway = '"' + "x" * 200_000
    content = f"{HEADER}\n{nik(1)},ektp,ready,{YESTERDAY}\n{runaway}\n{nik(2)},kk,ready,{YESTERDAY}\n"
    summary = imports.put_and_run("quote.csv", content)
    rejected = imports.rejected("quote.csv")
    assert (summary["applied"], summary["rejected"]) == (2, 1)
    assert rejected is not None
    assert codes_of(rejected[1][4]) == ["unreadable_row"]
    assert "line 3 " in rejected[1][4]


def test_an_upload_imported_twice_changes_nothing_more_and_is_audited_once(imports: Imports) -> None:
    """S3 delivers the event again, or Lambda runs it again after a crash that came after the
    audit write: the second run finds every row stored and adds no audit entry."""
    rows = [
        f"{nik(1)},ektp,ready,{YESTERDAY}",
        f"{nik(2)},kk,printing,{YESTERDAY}",
        f"{nik(3)},kk,lost,{YESTERDAY}",
    ]
    content = "\n".join([HEADER, *rows]) + "\n"
    imports.put("twice.csv", content)

    first = imports.run("twice.csv")
    first_rejected = imports.rejected_bytes("twice.csv")
    second = imports.run("twice.csv")

    assert (first["applied"], first["unchanged"], first["rejected"]) == (2, 0, 1)
    assert (second["applied"], second["unchanged"], second["rejected"]) == (0, 2, 1)
    assert imports.rejected_bytes("twice.csv") == first_rejected
    assert imports.stages(nik(1)) == {"ektp": ("ready", YESTERDAY)}
    audit = imports.audit()
    assert [(e["actor"], e["after"]["applied"], e["after"]["unchanged"]) for e in audit] == [
        ("import:imports/twice.csv", 2, 0)
    ]
    assert audit[0]["before"]["file"] == "imports/twice.csv"
    assert audit[0]["after"]["rejected_file"] == "imports-rejected/twice.csv"


def test_an_older_row_does_not_overwrite_a_newer_stage(imports: Imports) -> None:
    imports.put_and_run("newer.csv", f"{HEADER}\n{nik(1)},ektp,ready,{TODAY}\n")
    summary = imports.put_and_run(
        "older.csv",
        f"{HEADER}\n{nik(1)},ektp,printing,{YESTERDAY}\n{nik(1)},kk,printing,{TODAY}\n{nik(1)},kk,received,{YESTERDAY}\n",
    )
    assert (summary["applied"], summary["unchanged"], summary["rejected"]) == (1, 2, 0)
    assert imports.stages(nik(1)) == {"ektp": ("ready", TODAY), "kk": ("printing", TODAY)}


def test_a_newer_row_moves_a_stage_forward_as_the_admin_route_would(imports: Imports) -> None:
    imports.put_and_run("first.csv", f"{HEADER}\n{nik(1)},ektp,printing,{YESTERDAY}\n")
    imports.put_and_run("second.csv", f"{HEADER}\n{nik(1)},ektp,ready,{TODAY}\n")
    assert imports.stages(nik(1)) == {"ektp": ("ready", TODAY)}


def test_a_retry_after_a_failure_halfway_finishes_the_job_without_double_effects(
    imports: Imports, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.core.errors import Unavailable
    from chalicelib.store.dynamo import DynamoStore

    rows = [f"{nik(n)},ektp,ready,{YESTERDAY}" for n in range(1, 7)]
    imports.put("retry.csv", "\n".join([HEADER, *rows, f"{nik(9)},ektp,lost,{YESTERDAY}"]) + "\n")
    real = DynamoStore.record_application
    calls = {"n": 0}

    def throttled_after_three(self: DynamoStore, *args: object) -> bool:
        calls["n"] += 1
        if calls["n"] > 3:
            raise Unavailable("dynamodb ThrottlingException")
        return real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(DynamoStore, "record_application", throttled_after_three)
    with pytest.raises(Unavailable):  # raised, so that Lambda runs the event again
        imports.run("retry.csv")
    after_failure = imports.rejected("retry.csv")

    monkeypatch.setattr(DynamoStore, "record_application", real)
    retry = imports.run("retry.csv")

    assert after_failure is not None  # meanwhile the bucket shows what is still to do
    assert [codes_of(r[4]) for r in after_failure[1:]] == [["not_processed"]] * 3 + [["unknown_stage"]]
    assert (retry["applied"], retry["unchanged"], retry["rejected"], retry["outcome"]) == (
        3,
        3,
        1,
        "completed",
    )
    assert all(imports.stages(nik(n)) == {"ektp": ("ready", YESTERDAY)} for n in range(1, 7))
    final = imports.rejected("retry.csv")
    assert final is not None
    assert [codes_of(r[4]) for r in final[1:]] == [["unknown_stage"]]
    audit = imports.audit()  # one entry per outcome of the upload; both carry the upload's time
    assert sorted(
        (e["after"]["outcome"], e["after"]["applied"], e["after"]["not_processed"]) for e in audit
    ) == [
        ("completed", 3, 0),
        ("failed", 3, 3),
    ]


def test_a_stale_rejected_file_goes_when_the_same_name_imports_cleanly(imports: Imports) -> None:
    imports.put_and_run("daily.csv", f"{HEADER}\n{nik(1)},ektp,lost,{YESTERDAY}\n")
    assert imports.rejected("daily.csv") is not None
    imports.put_and_run("daily.csv", f"{HEADER}\n{nik(1)},ektp,ready,{YESTERDAY}\n")
    assert imports.rejected("daily.csv") is None


def test_a_url_encoded_key_is_decoded_and_the_rejected_file_keeps_its_name(imports: Imports) -> None:
    name = "kecamatan wlingi/stage update (25 Nov).csv"
    imports.put(name, f"{HEADER}\n{nik(1)},ektp,ready,{YESTERDAY}\n{nik(2)},ektp,lost,{YESTERDAY}\n")
    [summary] = imports.invoke(s3_event("object_created_put_encoded_key.json", imports.bucket))
    assert (summary["file"], summary["applied"]) == (f"imports/{name}", 1)
    assert imports.rejected(name) is not None


def test_a_folder_marker_is_ignored(imports: Imports) -> None:
    assert imports.invoke(s3_event("object_created_folder_marker.json", imports.bucket)) == []
    assert imports.audit() == []


def test_an_object_deleted_before_its_event_is_skipped(imports: Imports) -> None:
    summary = imports.run("gone.csv")
    assert summary["outcome"] == "gone"
    assert imports.audit() == []


def test_no_log_line_and_no_audit_entry_holds_a_nik(imports: Imports) -> None:
    secret_nik = nik(4321)
    name = f"resident {secret_nik}.csv"  # an operator may name a file after a resident
    imports.put_and_run(
        name, f"{HEADER}\n{secret_nik},ektp,ready,{YESTERDAY}\n{nik(7)},ektp,lost,{YESTERDAY}\n"
    )

    summaries = [json.loads(line) for line in imports.logs if '"stage_import"' in line]
    assert [(s["applied"], s["rejected"]) for s in summaries] == [(1, 1)]
    assert summaries[0]["file"] == "imports/resident ************4321.csv"
    everything = "\n".join(imports.logs) + json.dumps(imports.audit())
    assert secret_nik not in everything
    assert nik(7) not in everything
    assert imports.rejected(name) is not None  # the rejected file keeps the operator's own name
