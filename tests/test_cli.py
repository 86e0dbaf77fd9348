"""The CLI through the real entry point: start, template, schema, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import GOLDEN, REPO
from helpers import run_cli

from qa2docs.report.schemas import schema_texts


@pytest.mark.parametrize("args, golden", [
    (["template", "eb"], "Checklist_EB.blank.txt"),
    (["template", "sb"], "Checklist_SB.blank.txt"),
    (["template", "readme", "--cycle", "2"], "README.header.cycle2.blank.txt"),
    (["template", "readme", "--cycle", "0"], "README.header.cycle2.blank.txt"),
    (["template", "readme", "--cycle", "3"], "README.header.cycle3.blank.txt"),
    (["template", "readme"], "README.header.cycle3.blank.txt"),
])
def test_template_prints_golden(args, golden):
    assert run_cli(*args).stdout == (GOLDEN / golden).read_text()


def test_committed_schemas_equal_models(tmp_path):
    committed = {p.name: p.read_text() for p in (REPO / "schemas").glob("*.json")}
    assert committed == schema_texts(), "run: qa2docs schema -o schemas"
    run_cli("schema", "-o", str(tmp_path))
    assert {p.name: p.read_text() for p in tmp_path.glob("*.json")} == committed


def test_every_command_has_help_with_an_example():
    from qa2docs.cli.main import cli

    for name, command in cli.commands.items():
        assert command.help and ("Example:" in command.help or "Examples:" in command.help), name


def _archive(tmp_path: Path, sb: str, uids: list[str]) -> Path:
    archive = tmp_path / "archive"
    for uid in uids:
        asdm = archive / sb / uid
        asdm.mkdir(parents=True)
        (asdm / "ASDM.xml").write_text("<ASDM/>\n")
    (archive / sb / f"{uids[0]}.tar").write_text("")
    return archive


def test_start_creates_the_seed_layout(tmp_path):
    uids = ["uid___A002_Xdd9c61_X66d", "uid___A002_X4sda4d_Xa12"]
    archive = _archive(tmp_path, "B6_IRAS12345", uids)
    analysis = tmp_path / "analysis"
    analysis.mkdir()
    out = run_cli("start", "--archive", str(archive), "--code", "2013.1.12345.S",
                  "--pi", "Jane Doe", "--contact", "John Smith", "--jira", "SCOPS-1234",
                  cwd=analysis).stdout
    root = analysis / "B6_IRAS12345"
    for rel in ["qa2docs.yaml", "Checklist_SB_B6_IRAS12345.txt", "README.header.txt",
                "Checklist_SB_B6_IRAS12345_uid___A002_Xdd9c61_X66d.txt",
                "Checklist_SB_B6_IRAS12345_uid___A002_X4sda4d_Xa12.txt",
                "B6_IRAS12345/calibrated", "packaging/ticket", "packaging/hard"]:
        assert (root / rel).exists(), rel
    link = root / "B6_IRAS12345" / "X66d" / "uid___A002_Xdd9c61_X66d"
    assert link.is_symlink() and link.resolve() == (archive / "B6_IRAS12345" / uids[0]).resolve()
    eb = (root / "Checklist_SB_B6_IRAS12345_uid___A002_Xdd9c61_X66d.txt").read_text()
    assert eb.startswith("Project code     : 2013.1.12345.S\nContact Scientist: John Smith\n"
                         "PI               : Jane Doe\nSB Name          : B6_IRAS12345\n"
                         "ASDM UID         : uid___A002_Xdd9c61_X66d\n")
    readme = (root / "README.header.txt").read_text()
    assert "Cycle: 2\nProject code: 2013.1.12345.S\nSB name: B6_IRAS12345\nPI name: Jane Doe\n" in readme
    assert "Proposed beam size" not in readme            # Cycle 2 layout
    assert "linked: " in out
    # A person edits; re-running keeps every file and says so.
    (root / "README.header.txt").write_text(readme.replace("Project title:", "Project title: Mine"))
    again = run_cli("start", "B6_IRAS12345", "--archive", str(archive), cwd=analysis).stdout
    assert "created" not in again and "kept (exists): B6_IRAS12345/README.header.txt" in again
    assert "Project title: Mine" in (root / "README.header.txt").read_text()


def test_start_dry_run_creates_nothing(tmp_path):
    archive = _archive(tmp_path, "B6_IRAS12345", ["uid___A002_Xdd9c61_X66d"])
    out = run_cli("start", "--archive", str(archive), "--code", "2013.1.12345.S", "--dry-run",
                  cwd=tmp_path).stdout
    assert "would create: B6_IRAS12345/qa2docs.yaml" in out
    assert not (tmp_path / "B6_IRAS12345").exists()


def test_start_takes_the_archive_from_the_environment(tmp_path, monkeypatch):
    archive = _archive(tmp_path, "B6_IRAS12345", ["uid___A002_Xdd9c61_X66d"])
    (tmp_path / "analysis").mkdir()
    monkeypatch.setenv("QA2DOCS_ARCHIVE", str(archive))
    run_cli("start", "--code", "2013.1.12345.S", cwd=tmp_path / "analysis")
    assert (tmp_path / "analysis" / "B6_IRAS12345" / "B6_IRAS12345" / "X66d").is_dir()


def test_start_lists_several_sbs(tmp_path):
    archive = _archive(tmp_path, "B6_A", ["uid___A002_Xdd9c61_X66d"])
    _archive(tmp_path, "B3_B", ["uid___A002_Xdd9c61_X67"])
    out = run_cli("start", "--archive", str(archive), cwd=tmp_path).stdout
    assert "qa2docs start B3_B" in out and "qa2docs start B6_A" in out


@pytest.mark.parametrize("args, message", [
    (["start", "NOPE", "--archive", "archive"], "no such SB folder with ASDMs (found: B6_A)"),
    (["start", "B6_A", "--archive", "archive", "--code", "2013.1.1234.S"],
     "project_code: Value error, '2013.1.1234.S' is not a valid project code"),
    (["start", "B6_A", "--archive", "archive"], "--code PROJECT_CODE is needed"),
    (["fill", "."], "not inside an SB root"),
])
def test_errors_are_one_line_exit_2(tmp_path, args, message):
    _archive(tmp_path, "B6_A", ["uid___A002_Xdd9c61_X66d"])
    proc = run_cli(*args, cwd=tmp_path, check=2)
    assert proc.stderr.startswith("qa2docs: error: ") and message in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_bad_checklist_is_one_line_error(tmp_path):
    archive = _archive(tmp_path, "B6_A", ["uid___A002_Xdd9c61_X66d"])
    run_cli("start", "--archive", str(archive), "--code", "2013.1.12345.S", cwd=tmp_path)
    checklist = tmp_path / "B6_A" / "Checklist_SB_B6_A_uid___A002_Xdd9c61_X66d.txt"
    checklist.write_text(checklist.read_text().replace("fixplanets necessary?                     [ ]",
                                                       "fixplanets necessary?                     [?]"))
    proc = run_cli("fill", "B6_A", cwd=tmp_path, check=2)
    assert proc.stderr == (f"qa2docs: error: {checklist}:22: box holds '?': "
                           "tick it with x or leave it blank\n")


def test_bad_project_file_names_line(tmp_path):
    archive = _archive(tmp_path, "B6_A", ["uid___A002_Xdd9c61_X66d"])
    run_cli("start", "--archive", str(archive), "--code", "2013.1.12345.S", cwd=tmp_path)
    yaml = tmp_path / "B6_A" / "qa2docs.yaml"
    yaml.write_text(yaml.read_text() + "jira:\n  - SCOPS-1\n  - 1234\n")
    proc = run_cli("fill", "B6_A", cwd=tmp_path, check=2)
    assert proc.stderr.startswith(f"qa2docs: error: {yaml}:") and "jira.1" in proc.stderr


def test_an_unwritable_output_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    proc = run_cli("schema", "-o", str(blocker / "sub"), check=2)
    assert proc.stderr == f"qa2docs: error: {blocker / 'sub'}: Not a directory\n"


def test_a_bug_is_one_line_and_exit_3_unless_debug(monkeypatch, capsys):
    from qa2docs.cli import main as cli_module

    def boom(*args, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr("qa2docs.collect.extraction.facts", boom)
    monkeypatch.setattr(cli_module._State, "debug", False)
    monkeypatch.setattr("sys.argv", ["qa2docs", "facts", "."])
    with pytest.raises(SystemExit) as exit_info:
        cli_module.main()
    assert exit_info.value.code == 3
    assert capsys.readouterr().err == ("qa2docs: internal error: RuntimeError: unexpected "
                                       "(run again with --debug for the traceback)\n")
    monkeypatch.setattr("sys.argv", ["qa2docs", "--debug", "facts", "."])
    monkeypatch.setenv("QA2DOCS_DEBUG", "0")  # restored (removed) after the test
    with pytest.raises(RuntimeError, match="unexpected"):
        cli_module.main()
