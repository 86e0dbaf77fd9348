"""find_call: the task call after a Begin Task banner, read in a small window first."""

from __future__ import annotations

from pathlib import Path

from qa2docs.extractors.logscan import LogScanner, markers_of
from qa2docs.extractors.taskcall import CALL_LOOKAHEAD, find_call

PREFIX = "2026-11-24 12:07:03\tINFO\tflagdata::::casa\t"
FILLER = PREFIX + "x" * 200


def calls(tmp_path: Path, lines: list[str]) -> list:
    """find_call for each Begin Task banner in a log made of *lines*."""
    log = tmp_path / "casa-1.log"
    log.write_text("".join(line + "\n" for line in lines))
    with LogScanner(log) as scanner:
        return [find_call("flagdata", hit, scanner)
                for hit in scanner.hits(markers_of((rb"Begin Task",)))]


def banner() -> str:
    return PREFIX + "##### Begin Task: flagdata           #####"


def test_a_call_beyond_the_first_window_is_found(tmp_path):
    # 30 lines of ~240 bytes: the call starts past the first 4 KiB read
    found, = calls(tmp_path, [banner()] + [FILLER] * 30
                   + [PREFIX + "flagdata( vis='a.ms', antenna='DV11' )"])
    assert found.line == 32 and found.params == {"vis": "a.ms", "antenna": "DV11"}


def test_continuation_lines_across_the_first_window_are_joined(tmp_path):
    cont = PREFIX.replace("casa\t", "casa+\t")
    lines = [banner()] + [FILLER] * 15 + [PREFIX + "flagdata( vis='a.ms',"]
    lines += [cont + f"  spw='{i}'," for i in range(10)] + [cont + "  antenna='DV11' )"]
    lines += [FILLER]
    found, = calls(tmp_path, lines)
    assert found.line == 17 and found.params["antenna"] == "DV11"
    assert found.params["spw"] == "9"


def test_no_call_within_the_lookahead(tmp_path):
    lines = [banner()] + ["2026-11-24 12:07:03\tINFO\tx\ty"] * CALL_LOOKAHEAD
    lines += [PREFIX + "flagdata( vis='a.ms' )"]
    assert calls(tmp_path, lines) == [None]


def test_a_call_cut_at_the_end_of_the_file(tmp_path):
    found, = calls(tmp_path, [banner(), PREFIX + "flagdata( vis='a.ms',"])
    assert found.line == 2 and found.params is None


def test_equal_calls_give_distinct_params(tmp_path):
    call = PREFIX + "flagdata( vis='a.ms', antenna=['DV11'] )"
    first, second = calls(tmp_path, [banner(), call, banner(), call])
    assert first.params == second.params and first.params is not second.params
    first.params["antenna"].append("DV12")
    assert second.params["antenna"] == ["DV11"]


def test_private_copy_is_a_deep_copy_of_any_logged_call():
    import copy

    from qa2docs.extractors.taskcall import parse_task_call, private_copy
    text = ("flagdata( vis='a.ms', spw=[0, [1, 2]], mode={'a': [1.5, None, True], 'b': {}}, "
            "t=(1, [2]), s={1, 2}, f=frozenset, b=b'x', c=1j, e=..., x=a.b(1), n=-3 )")
    params = parse_task_call(text)
    assert params is not None and params["x"] == "a.b(1)"
    copied = private_copy(params)
    assert copied == copy.deepcopy(params) == params

    def mutables(value, found):
        if isinstance(value, (dict, list, set, tuple)):
            if not isinstance(value, tuple):
                found.append(value)
            for item in (value.values() if isinstance(value, dict) else value):
                mutables(item, found)
        return found

    ours = {id(m) for m in mutables(params, [])}
    assert ours and not ours & {id(m) for m in mutables(copied, [])}
