"""Tests of the shared script reader: Python 2 text, calls, recovery after tokenizer errors."""

from __future__ import annotations

import ast

import pytest

from qa2docs.extractors.pyscript import NotLiteral, Problem, PyScript, literal


def calls(script: PyScript) -> list[tuple[str, int, int]]:
    """(name, line, end_line) of every closed call."""
    return [(c.name, c.line, c.end_line) for c in script.calls if c.closed]


def kwargs(script: PyScript, index: int = 0) -> dict:
    """The literal keyword values of one call."""
    arguments = script.calls[index].arguments
    assert arguments is not None
    return {k: a.value() for k, a in arguments.keywords.items()}


PY2 = (
    "print 'List of steps to be executed ...', mysteps\n"            # 1
    "if applyonly != True:\n"                                          # 2
    "\tif mystep in thesteps:\n"                                       # 3
    "\t\tes.fixForCSV2555(vis = 'a.ms')\n"                             # 4
    "    print 'Step ', mystep, step_title[mystep]\n"                  # 5: tab vs spaces
    "    gencal(vis = 'a.ms', caltype = 'antpos', parameter = [0,0,0, -1.5e-4,0,0])\n"  # 6
)


def test_python2_print_and_tab_space_mix_read_without_indentation() -> None:
    script = PyScript(PY2, indentation=False)
    assert script.problems == []
    assert calls(script) == [("es.fixForCSV2555", 4, 4), ("gencal", 6, 6)]  # print: a statement
    assert kwargs(script, 1) == {"vis": "a.ms", "caltype": "antpos",
                                 "parameter": [0, 0, 0, -1.5e-4, 0, 0]}


def test_indentation_error_skips_its_line_and_reading_goes_on() -> None:
    script = PyScript(PY2)
    assert script.problems == [
        Problem(5, "unindent does not match any outer indentation level", at_end=False)]
    assert calls(script) == [("es.fixForCSV2555", 4, 4), ("gencal", 6, 6)]
    # line 5 is dropped, not glued to a neighbour
    assert [s.tokens[0].start[0] for s in script.statements if s.tokens] == [1, 2, 3, 4, 6]


SPLIT = (
    "importasdm(asdm = 'uid___A002_X1_X2', # the ASDM\n"               # 1
    "  asis = 'Antenna Station',\n"                                    # 2
    "  # process_caldevice = False,\n"                                 # 3
    "  vis = msname,\n"                                                # 4
    "  overwrite = T)\n"                                               # 5
)


def test_call_split_over_lines_with_comments_inside() -> None:
    script = PyScript(SPLIT)
    assert calls(script) == [("importasdm", 1, 5)]
    call = script.calls[0]
    assert call.arguments is not None
    keys = call.arguments.keywords
    assert list(keys) == ["asdm", "asis", "vis", "overwrite"]  # the commented one is not there
    assert {k: a.line for k, a in keys.items()} == {"asdm": 1, "asis": 2, "vis": 4, "overwrite": 5}
    assert keys["overwrite"].value() is True                     # casapy's T
    with pytest.raises(NotLiteral):
        keys["vis"].value()
    assert keys["vis"].source == "msname"
    assert script.comments == {1: "# the ASDM", 3: "# process_caldevice = False,"}
    assert call.source == SPLIT.rstrip("\n")


def test_commented_out_call_is_not_counted() -> None:
    script = PyScript("#fixplanets(vis = 'a.ms', field = '1')\n"
                      "x = '# not a comment: setjy(vis=1)'\n"
                      "  # flagdata(vis = 'a.ms',\n"
                      "  #   mode = 'manual')\n"
                      "listobs(vis = 'a.ms')  # split(vis='a.ms')\n", indentation=False)
    assert calls(script) == [("listobs", 5, 5)]
    assert sorted(script.comments) == [1, 3, 4, 5]


def test_truncated_file_warns_with_the_line_and_keeps_the_calls_before() -> None:
    text = ("flagdata(vis = 'a.ms', mode = 'manual')\n"
            "bandpass(vis = 'a.ms',\n"
            "  caltable = str(mystep),\n"
            "  solint = 'inf'\n")
    script = PyScript(text)
    # tokenize names the line after the last: the file ends inside the bracket
    assert script.problems == [Problem(5, "EOF in multi-line statement", at_end=True)]
    assert [(c.name, c.closed) for c in script.calls] == [
        ("flagdata", True), ("bandpass", False), ("str", True)]
    bandpass = script.calls[1]
    assert bandpass.arguments is None and bandpass.error is None and bandpass.end_line == 4
    assert script.calls[2].parent is bandpass
    assert kwargs(script) == {"vis": "a.ms", "mode": "manual"}
    assert script.statements[-1].problem == script.problems[0]


def test_unterminated_string_names_its_line_and_reading_goes_on() -> None:
    script = PyScript("x = '''abc\nclean(vis = 'a.ms')\n")
    assert script.problems == [Problem(1, "EOF in multi-line string", at_end=True)]
    assert calls(script) == [("clean", 2, 2)]


def test_nested_calls_know_their_parent() -> None:
    script = PyScript("applycal(vis = msname,\n"
                      "  gaintable = [os.path.join(d, 'bp'), str(1)],\n"
                      "  field = '0')\n")
    assert calls(script) == [("applycal", 1, 3), ("os.path.join", 2, 2), ("str", 2, 2)]
    outer, join, to_str = script.calls
    assert outer.parent is None and join.parent is outer and to_str.parent is outer
    assert join.within({"applycal"}) and not outer.within({"applycal"})
    assert outer.arguments is not None
    gaintable = outer.arguments.keywords["gaintable"]
    assert gaintable.source == "[os.path.join(d, 'bp'), str(1)]"
    with pytest.raises(NotLiteral):
        gaintable.value()


def test_dotted_names_and_what_is_not_a_call() -> None:
    script = PyScript("es.fixForCSV2555(msName = 'a.ms')\n"
                      "aU.plotbandpass(caltable = 'x').savefig('y')\n"
                      "def clean(vis):\n"
                      "    pass\n"
                      "class tclean(object): pass\n"
                      "if(x): casalog.post('Step '+str(mystep))\n")
    assert [c.name for c in script.calls] == [
        "es.fixForCSV2555", "aU.plotbandpass", "casalog.post", "str"]
    assert [c.task for c in script.calls[:2]] == ["fixForCSV2555", "plotbandpass"]


def test_stray_bracket_inside_a_call_does_not_end_it() -> None:
    script = PyScript("applycal(vis = 'a.ms',\n  gainfield = ['', { '1'],\n  calwt = F)\n")
    assert calls(script) == [("applycal", 1, 3)]
    assert script.calls[0].arguments is None
    assert script.calls[0].error == "closing parenthesis ']' does not match opening parenthesis '{'"


def test_a_commented_first_line_leaves_the_next_calls_whole() -> None:
    # the orphan ')' drives tokenize's bracket count below zero: it then ends statements at
    # every line end, also inside the next call
    script = PyScript("#bandpass(vis = 'a.ms',\n"
                      "  solint = 'inf')\n"
                      "gaincal(vis = 'a.ms',\n"
                      "  solint = 'int')\n", indentation=False)
    assert [c.name for c in script.calls] == ["gaincal"]
    assert calls(script) == [("gaincal", 3, 4)]
    assert kwargs(script) == {"vis": "a.ms", "solint": "int"}


def test_walk_tracks_names_bound_to_literals() -> None:
    script = PyScript("v = 'a.ms'\n"
                      "clean(vis = v)\n"
                      "for v in ['b', 'c']:\n"
                      "    clean(vis = v)\n"
                      "w = 'x'; y = 2\n"
                      "n = [1, -2]\n"
                      "n += [3]\n"
                      "clean(vis = w, niter = n, interactive = T)\n")
    seen = []
    for statement, names in script.walk():
        for call in statement.calls:
            arguments = call.arguments
            assert arguments is not None
            values = {}
            for key, arg in arguments.keywords.items():
                try:
                    values[key] = arg.value(names)
                except NotLiteral:
                    values[key] = "?" + arg.source
            seen.append(values)
    assert seen == [{"vis": "a.ms"}, {"vis": "?v"},
                    {"vis": "?w", "niter": "?n", "interactive": True}]


def test_statement_starts_after_semicolons() -> None:
    script = PyScript("a = 1; mystep = 3\n")
    (statement,) = script.statements
    assert [statement.tokens[i].string for i in statement.starts()] == ["a", "mystep"]


@pytest.mark.filterwarnings("error")
def test_python2_escapes_and_crlf_lines() -> None:
    script = PyScript("x = 1\r\nflagdata(vis = 'a\\(b.ms',\r\n  spw = '0:0~7')\r\n")
    assert script.lines == ["x = 1\n", "flagdata(vis = 'a\\(b.ms',\n", "  spw = '0:0~7')\n"]
    assert kwargs(script) == {"vis": "a\\(b.ms", "spw": "0:0~7"}
    assert script.calls[0].source == "flagdata(vis = 'a\\(b.ms',\n  spw = '0:0~7')"


def test_unparsable_arguments_give_the_parser_message() -> None:
    script = PyScript("clean(vis = `x`, niter = 10L)\n")
    call = script.calls[0]
    assert call.closed and call.arguments is None
    assert call.error == "invalid decimal literal"  # the parser's words, for 10L
    assert call.arg_text == "vis = `x`, niter = 10L"


@pytest.mark.parametrize(("source", "value"), [
    ("'a.ms'", "a.ms"), ("-1.5e-4", -1.5e-4), ("T", True), ("F", False), ("None", None),
    ("(256, 256)", [256, 256]), ("[T, 'x']", [True, "x"]), ("{'a': [1, 2]}", {"a": [1, 2]}),
])
def test_literal_values(source: str, value: object) -> None:
    assert literal(ast.parse(source, mode="eval").body) == value


@pytest.mark.parametrize("source", ["msname", "'a' + 'b'", "-True", "{[1]: 2}", "f(1)",
                                    "{**d}"])
def test_not_literal(source: str) -> None:
    with pytest.raises(NotLiteral):
        literal(ast.parse(source, mode="eval").body)


def test_empty_text() -> None:
    script = PyScript("")
    assert (script.lines, script.statements, script.problems) == ([], [], [])


@pytest.mark.parametrize("source", [
    "_f(a, b=1,\n  c='é\\u00e9x',\r\n d=[1,\n2], e=\"\x0cq\")",
    "_f(\n  é=1, k='ü'  ,\r z=3)",
    "_f(1, 2\n)",
])
def test_argument_text_is_what_ast_gives(source: str) -> None:
    """The argument text, cut from lines split once per call, equals
    ``ast.get_source_segment`` (multi-byte characters, CR/CRLF ends, a form feed)."""
    from qa2docs.extractors.pyliteral import LINE, source_segment

    node = ast.parse(source, mode="eval").body
    lines = LINE.findall(source)
    values = node.args + [kw.value for kw in node.keywords]
    assert [source_segment(lines, v) for v in values] == [
        ast.get_source_segment(source, v) for v in values]


CONSTANTS = ["'a'", "u'b'", "b'c'", "1", "-1", "1.5e-4", "1j", "True", "None", "...",
             "'''x\ny'''", "0x1F", "1_000"]


@pytest.mark.parametrize("source", CONSTANTS)
def test_literal_of_a_constant_is_what_literal_eval_gives(source: str) -> None:
    node = ast.parse(source, mode="eval").body
    value = literal(node)
    assert value == ast.literal_eval(node) and type(value) is type(ast.literal_eval(node))


def _reference_statements(script: PyScript) -> tuple[list, dict]:
    """The statements and comments the reader's loop made before it was tightened: every
    item of ``_tokens()`` looked at in turn."""
    import tokenize
    from qa2docs.extractors.pyscript import NOISE
    statements, comments, tokens = [], {}, []
    for item in script._tokens():
        if isinstance(item, Problem):
            statements.append((tokens, item))
            tokens = []
        elif item.type == tokenize.COMMENT:
            comments[item.start[0]] = item.string
        elif item.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            if tokens:
                statements.append((tokens, None))
            tokens = []
        elif item.type not in NOISE:
            tokens.append(item)
    return statements, comments


BROKEN = (
    "x = 1  # one\n"
    "if x:\n    y = 'unterminated\n  w = 2\n"  # a dedent error: reading restarts after it
    "print 'py2', `x`\n"                      # Python 2, a backtick (an ERRORTOKEN)
    "\tif a:\n        b(c = [1,\n# inside\n2])\n"
    's = """long\nstring""" ; t(u)\n'
    "z = (1,\n"                               # the file ends inside a bracket
)


@pytest.mark.parametrize("indentation", [True, False])
@pytest.mark.parametrize("text", [PY2, BROKEN, "", "\n\n# only a comment", "a(\n"])
def test_statements_and_comments_are_those_of_every_token_in_turn(text: str,
                                                                   indentation: bool) -> None:
    script = PyScript(text, indentation=indentation)
    statements, comments = _reference_statements(script)
    assert [(s.tokens, s.problem) for s in script.statements] == statements
    assert script.comments == comments
    if text == BROKEN:
        assert len(script.problems) == 1 + indentation and comments


def test_calls_at_statement_ends_dots_and_spaces() -> None:
    """Names at the end of a statement, a trailing dot, spaced dots, calls on a call."""
    script = PyScript("x = a.b.\nf\ng .h (1)\nk(2)(3)\nlambda: m(4)\nn.(5)\np.q\n"
                      "print (r)\nif s(): t.u.v()\nw[0](6)\n", indentation=False)
    assert [(c.name, c.line, c.closed) for c in script.calls] == [
        ("g.h", 3, True), ("k", 4, True), ("m", 5, True), ("print", 8, True), ("s", 9, True),
        ("t.u.v", 9, True)]
