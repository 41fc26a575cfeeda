"""Chinese for what Typer and Click print themselves: usage errors, help labels, type tags and near misses."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import typer.core
import typer.rich_utils as rich_utils
from rich.cells import cell_len
from rich.columns import Columns
from rich.console import Console, JustifyMethod, OverflowMethod
from rich.containers import Lines
from rich.text import Text
from typer import _click
from typer._click import exceptions as errors

from famscore.text import closest as closest_name

# Every Chinese string of the command-line layer, in one table so a message catalogue can absorb it.
ZH: dict[str, str] = {
    # Help: usage line, panel titles, labels.
    "usage": "用法：",
    "options_metavar": "[选项]",
    "subcommand_metavar": "命令 [参数]",
    "panel.arguments": "参数",
    "panel.options": "选项",
    "panel.commands": "命令",
    "panel.error": "错误",
    "required": "[必填]",
    "default": "[默认：{}]",
    "envvar": "[环境变量：{}]",
    "deprecated": "（已停用）",
    "help_option": "显示本帮助后退出",
    "plain.required": "必填",
    "plain.default": "默认：{default}",
    "plain.envvar": "环境变量：{var}",
    "plain.dynamic": "（动态）",
    # Type tags shown next to every argument and option.
    "type.file": "文件",
    "type.dir": "文件夹",
    "type.path": "路径",
    "type.str": "文字",
    "type.bool": "开关",
    "type.int": "整数",
    "type.float": "数字",
    "type.Decimal": "数字",
    "type.datetime": "日期时间",
    "type.range": "范围",
    "type.list": "{}，可多个",
    # Usage errors.
    "error": "错误",
    "help_pointer": "运行 {command} 查看帮助。",
    "aborted": "已中止。",
    "missing_argument": "缺少参数「{name}」。",
    "missing_option": "缺少选项 {name}。",
    "missing_command": "缺少命令。",
    "choose_from": "可选：{choices}。",
    "no_such_option": "没有选项 {name}。",
    "no_such_command": "没有命令「{name}」。",
    "did_you_mean": "是不是 {name}？",
    "needs_value": "选项 {name} 后面要写一个值。",
    "needs_values": "选项 {name} 后面要写 {count} 个值。",
    "takes_no_value": "选项 {name} 后面不能写值。",
    "argument_values": "参数「{name}」要写 {count} 个值。",
    "extra_arguments": "多余的参数：{args}。这个命令不需要它们，文件名中有空格时请加引号。",
    "bad_value": "「{name}」：{detail}",
    "path.missing": "{kind}「{path}」不存在。",
    "path.is_file": "「{path}」是文件，这里要的是文件夹。",
    "path.is_dir": "「{path}」是文件夹，这里要的是文件。",
    "path.unreadable": "没有读取{kind}「{path}」的权限。",
    "path.unwritable": "没有写入{kind}「{path}」的权限。",
    "value.int": "「{value}」不是整数。",
    "value.float": "「{value}」不是数字。",
    "value.bool": "「{value}」不是开关值（可写 yes/no、true/false、1/0）。",
    "value.choice": "「{value}」不是可选的值（{choices}）。",
    "value.ge": "不能小于 {limit}。",
    "value.gt": "要大于 {limit}。",
    "value.le": "不能大于 {limit}。",
    "value.lt": "要小于 {limit}。",
    "value.unknown": "取值无效（{detail}）。",
    "usage.unknown": "用法有误（{detail}）。",
    "file_error": "无法打开文件「{path}」：{detail}",
    "unknown": "出错了（{detail}）。",
    # Near misses among names the user typed (units, options, commands).
    "near_miss": "是不是「{name}」？",
}

_PATH_KINDS = {"file": "文件", "dir": "文件夹", "path": "路径"}
_PATH_ERROR = re.compile(
    r"^(?P<kind>file|dir|path) (?P<path>'.*'|\".*\") "
    r"(?P<what>does not exist|is a file|is a directory|is not readable|is not writable)\.$",
    re.DOTALL,
)
_PATH_KEYS = {
    "does not exist": "path.missing",
    "is a file": "path.is_file",
    "is a directory": "path.is_dir",
    "is not readable": "path.unreadable",
    "is not writable": "path.unwritable",
}
_QUOTED = r"(?P<q>['\"])(?P<name>.*?)(?P=q)"
_NO_SUCH_COMMAND = re.compile(rf"^No such command {_QUOTED}")
_EXTRA_ARGS = re.compile(r"^Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)$", re.DOTALL)
_NEEDS_VALUES = re.compile(r"requires (?P<count>\d+) arguments")
_ARGUMENT_VALUES = re.compile(rf"^Argument {_QUOTED} takes (?P<count>\d+) values")
_CHOICE_ERROR = re.compile(r"is not one of (?P<choices>.*)\.$", re.DOTALL)
# Pydantic error types (what typer 0.29 converts values with) and the sentence each becomes.
_PYDANTIC = {
    "int_parsing": "value.int",
    "int_from_float": "value.int",
    "int_type": "value.int",
    "float_parsing": "value.float",
    "float_type": "value.float",
    "decimal_parsing": "value.float",
    "bool_parsing": "value.bool",
    "bool_type": "value.bool",
}
_PYDANTIC_LIMITS = {
    "greater_than_equal": "ge",
    "greater_than": "gt",
    "less_than_equal": "le",
    "less_than": "lt",
}


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The one candidate the user most likely meant: a close spelling, or the only name the word begins."""
    # Compared without the dashes, so "--unti" is a transposition near the start of "--units-file".
    bare = {c.lstrip("-"): c for c in candidates}
    hit = closest_name(word.lstrip("-"), bare, loose=True)
    return None if hit is None else bare[hit]


def near_miss(word: str, names: Sequence[str]) -> str:
    """The sentence 是不是「新华街道」？ for a unit name typed almost right; empty when nothing is close."""
    name = closest_name(word, names, loose=True)
    return ZH["near_miss"].format(name=name) if name is not None else ""


def _param_name(param: Any) -> str:
    """How the user knows a parameter: an argument by its Chinese name, an option by its long flag."""
    if param.param_type_name == "argument":
        return str(param.display_name_raw).strip("[]")
    opts = list(param.opts) or [str(param.name)]
    longs = [o for o in opts if o.startswith("--")]
    return (longs or opts)[0]


def _hint(exc: errors.BadParameter) -> str | None:
    if exc.param_hint is not None:
        hint = exc.param_hint
        names = [hint] if isinstance(hint, str) else list(hint)
        return " / ".join(name.strip("'\"") for name in names)
    if exc.param is not None:
        return _param_name(exc.param)
    return None


def _pydantic_detail(exc: BaseException) -> str | None:
    read_errors = getattr(exc.__cause__, "errors", None)
    if read_errors is None:
        return None
    try:
        first = read_errors()[0]
    except (IndexError, TypeError):
        return None
    kind = first.get("type", "")
    value = first.get("input", "")
    if kind in _PYDANTIC:
        return ZH[_PYDANTIC[kind]].format(value=value)
    if kind in _PYDANTIC_LIMITS:
        limit_key = _PYDANTIC_LIMITS[kind]
        return ZH[f"value.{limit_key}"].format(limit=first.get("ctx", {}).get(limit_key, ""))
    choice = _CHOICE_ERROR.search(str(first.get("msg", "")))
    if choice is not None:
        return ZH["value.choice"].format(value=value, choices=choice["choices"].replace("'", ""))
    return None


def _bad_value_detail(exc: errors.BadParameter) -> str:
    message = exc.message
    path = _PATH_ERROR.match(message)
    if path is not None:
        try:
            shown = str(ast.literal_eval(path["path"]))
        except (ValueError, SyntaxError):
            shown = path["path"][1:-1]
        kind = _PATH_KINDS[path["kind"]]
        return ZH[_PATH_KEYS[path["what"]]].format(kind=kind, path=shown)
    detail = _pydantic_detail(exc)
    if detail is not None:
        return detail
    return ZH["value.unknown"].format(detail=message)


def _missing(exc: errors.MissingParameter) -> str:
    param = exc.param
    if param is None:
        return ZH["missing_argument"].format(name=_hint(exc) or "")
    name = _param_name(param)
    kind = exc.param_type or param.param_type_name
    text = ZH["missing_option" if kind == "option" else "missing_argument"].format(name=name)
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None and descriptor.is_choice and descriptor.choices:
        text += ZH["choose_from"].format(choices="、".join(str(c) for c in descriptor.choices))
    return text


def _no_such_option(exc: errors.NoSuchOption) -> str:
    text = ZH["no_such_option"].format(name=exc.option_name)
    ctx = exc.ctx
    names: list[str] = []
    if ctx is not None:
        for param in ctx.command.get_params(ctx):
            names += [*param.opts, *param.secondary_opts]
    # Not Click's own possibilities: counting the dashes, it offers --quiet for --unti.
    guess = closest(exc.option_name, names)
    return text + (ZH["did_you_mean"].format(name=guess) if guess else "")


def _bad_option_usage(exc: errors.BadOptionUsage) -> str:
    name = exc.option_name
    if "does not take a value" in exc.message:
        return ZH["takes_no_value"].format(name=name)
    many = _NEEDS_VALUES.search(exc.message)
    if many is not None:
        return ZH["needs_values"].format(name=name, count=many["count"])
    if "requires an argument" in exc.message:
        return ZH["needs_value"].format(name=name)
    return ZH["usage.unknown"].format(detail=exc.message)


def _usage(exc: errors.UsageError) -> str:
    message = exc.message
    extra = _EXTRA_ARGS.match(message)
    if extra is not None:
        return ZH["extra_arguments"].format(args=extra["args"])
    command = _NO_SUCH_COMMAND.match(message)
    if command is not None:
        text = ZH["no_such_command"].format(name=command["name"])
        group = exc.ctx.command if exc.ctx is not None else None
        guess = closest(command["name"], list(getattr(group, "commands", {})))
        return text + (ZH["did_you_mean"].format(name=guess) if guess else "")
    if message.startswith("Missing command"):
        return ZH["missing_command"]
    values = _ARGUMENT_VALUES.match(message)
    if values is not None:
        return ZH["argument_values"].format(name=values["name"], count=values["count"])
    return ZH["usage.unknown"].format(detail=message)


def error_message(exc: errors.ClickException) -> str:
    """The Chinese sentence for one of Click's exceptions; unknown English keeps its detail in brackets."""
    if isinstance(exc, errors.MissingParameter):
        return _missing(exc)
    if isinstance(exc, errors.NoSuchOption):
        return _no_such_option(exc)
    if isinstance(exc, errors.BadOptionUsage):
        return _bad_option_usage(exc)
    if isinstance(exc, errors.BadParameter):
        hint = _hint(exc)
        detail = _bad_value_detail(exc)
        return ZH["bad_value"].format(name=hint, detail=detail) if hint else detail
    if isinstance(exc, errors.UsageError):
        return _usage(exc)
    if isinstance(exc, errors.FileError):
        return ZH["file_error"].format(path=exc.ui_filename, detail=exc.message)
    return ZH["unknown"].format(detail=exc.format_message())


def show_error(exc: errors.ClickException) -> int:
    """Print a usage error the way a clerk reads it (usage line, what is wrong, where help is); return the exit code."""
    if isinstance(exc, errors.NoArgsIsHelpError):
        # Rich help is printed while the error is made; plain help (TYPER_USE_RICH=0) is its message.
        if exc.format_message():
            exc.show()
        return exc.exit_code
    console = Console(stderr=True, highlight=False)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        console.print(Text(ctx.get_usage()), style="bold")
    try:
        message = error_message(exc)
    except Exception:
        # A usage error must never become a traceback, whatever shape a future message takes.
        message = ZH["unknown"].format(detail=exc.format_message())
    console.print(_ChineseText.assemble((ZH["error"], "bold red"), "：", message))
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        pointer = f"{ctx.command_path} {ctx.help_option_names[0]}"
        console.print(Text(ZH["help_pointer"].format(command=pointer)), style="dim")
    return exc.exit_code


def show_aborted() -> None:
    Console(stderr=True, highlight=False).print(Text(ZH["aborted"], style="red"))


def usage_pieces(command: _click.Command, ctx: _click.Context) -> list[str]:
    """The usage line after the command path: 「[选项] 考评表 [回表文件夹]」, argument names without braces."""
    pieces = [ZH["options_metavar"]] if command.options_metavar else []
    for param in command.get_params(ctx):
        if param.param_type_name != "argument":
            continue
        name = _param_name(param)
        name = name if param.required else f"[{name}]"
        pieces.append(name if param.nargs == 1 else f"{name} ...")
    if isinstance(command, typer.core.TyperGroup):
        pieces.append(ZH["subcommand_metavar"])
    return pieces


def type_tag(label: str) -> str:
    """「<文件>」 for Typer's 「<file>」, 「<文字，可多个>」 for 「<list[str]>」; unknown words stay as they are."""
    inner = label[1:-1] if label.startswith("<") and label.endswith(">") else label
    listed = re.fullmatch(r"list\[(.*)\]", inner)
    if listed is not None:
        return f"<{ZH['type.list'].format(type_tag(listed[1])[1:-1])}>"
    words = re.sub(r"[A-Za-z_]\w*", lambda m: ZH.get(f"type.{m[0]}", m[0]), inner)
    return f"<{words.replace(' ', '')}>"


# What install() changes in typer; tests/test_cli_zh.py checks every one still exists in the pinned typer.
RICH_LABELS: dict[str, str] = {
    "ARGUMENTS_PANEL_TITLE": ZH["panel.arguments"],
    "OPTIONS_PANEL_TITLE": ZH["panel.options"],
    "COMMANDS_PANEL_TITLE": ZH["panel.commands"],
    "ERRORS_PANEL_TITLE": ZH["panel.error"],
    "REQUIRED_LONG_STRING": ZH["required"],
    "DEFAULT_STRING": ZH["default"],
    "ENVVAR_STRING": ZH["envvar"],
    "DEPRECATED_STRING": ZH["deprecated"],
    "ABORTED_TEXT": ZH["aborted"],
    "RICH_HELP": ZH["help_pointer"].format(command="[blue]{command_path} {help_option}[/]"),
}

# The same labels where typer prints help without rich (TYPER_USE_RICH=0): looked up through typer.core's `_`.
PLAIN_LABELS: dict[str, str] = {
    "Arguments": ZH["panel.arguments"],
    "Options": ZH["panel.options"],
    "Commands": ZH["panel.commands"],
    "required": ZH["plain.required"],
    "default: {default}": ZH["plain.default"],
    "env var: {var}": ZH["plain.envvar"],
    "(dynamic)": ZH["plain.dynamic"],
}


def _internals() -> dict[str, tuple[Any, str]]:
    """Each typer internal this module reads or replaces, as (owner, attribute); built lazily on purpose."""
    return {
        **{f"rich_utils.{name}": (rich_utils, name) for name in RICH_LABELS},
        "rich_utils._make_rich_text": (rich_utils, "_make_rich_text"),
        "rich_utils._get_parameter_help": (rich_utils, "_get_parameter_help"),
        "core._": (typer.core, "_"),
        "core.HAS_RICH": (typer.core, "HAS_RICH"),
        "core._TyperParameter.display_type": (typer.core._TyperParameter, "display_type"),
        "core._TyperParameter.display_name_raw": (typer.core._TyperParameter, "display_name_raw"),
        "core.TyperGroup.main": (typer.core.TyperGroup, "main"),
        "core.TyperGroup.commands": (typer.core.TyperGroup(name="probe"), "commands"),
        "_click.Command.collect_usage_pieces": (_click.Command, "collect_usage_pieces"),
        "core.TyperCommand.options_metavar": (typer.core.TyperCommand(name="probe"), "options_metavar"),
        "_click.HelpFormatter.write_usage": (_click.HelpFormatter, "write_usage"),
        "NoSuchOption.option_name": (errors.NoSuchOption("--x"), "option_name"),
        "BadOptionUsage.option_name": (errors.BadOptionUsage("--x", "m"), "option_name"),
        "BadParameter.param_hint": (errors.BadParameter("m"), "param_hint"),
        "BadParameter.param": (errors.BadParameter("m"), "param"),
        "MissingParameter.param_type": (errors.MissingParameter(), "param_type"),
        "UsageError.ctx": (errors.UsageError("m"), "ctx"),
        "NoArgsIsHelpError": (errors, "NoArgsIsHelpError"),
        "FileError.ui_filename": (errors.FileError("f"), "ui_filename"),
    }


# What the check found just before install() patched typer (setting a constant creates it, so a check
# afterwards could not see that typer had renamed it); None until install() has run.
_missing_before_install: list[str] | None = None


def missing_internals() -> list[str]:
    """The typer internals this module relies on that the installed typer does not have."""
    if _missing_before_install is not None:
        return list(_missing_before_install)
    return [name for name, (owner, attr) in _internals().items() if not hasattr(owner, attr)]


_CLOSERS = frozenset("。，、；：？！）」』》〉】”’")
_OPENERS = frozenset("（「『《〈【“‘")


def _may_break(text: str, at: int) -> bool:
    """May a line start at text[at]? Between Chinese characters or after a space, never before 「。」 or after 「（」."""
    before, char = text[at - 1], text[at]
    if char in _CLOSERS or before in _OPENERS or char.isspace():
        return False
    return before.isspace() or cell_len(before) == 2 or cell_len(char) == 2


def line_breaks(text: str, width: int) -> list[int]:
    """Where each line after the first starts, for text in `width` cells; a word longer than a line is folded."""
    offsets: list[int] = []
    start = 0
    while True:
        used, end = 0, start
        while end < len(text) and (used + cell_len(text[end]) <= width or text[end].isspace()):
            used += cell_len(text[end])
            end += 1
        if end >= len(text):
            return offsets
        end = max(end, start + 1)
        cut = next((at for at in range(end, start, -1) if _may_break(text, at)), None)
        if cut is None:  # folding a word: still keep 「）；」 off the start of the next line
            cut = end
            while cut - 1 > start and text[cut] in _CLOSERS:
                cut -= 1
        offsets.append(cut)
        start = cut


class _ChineseText(Text):
    """Text that wraps as Chinese is set: at any character or space, never starting a line with 「。」."""

    def wrap(
        self,
        console: Console,
        width: int,
        *,
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        if no_wrap or self.no_wrap or overflow == "ignore":
            return super().wrap(console, width, justify=justify, overflow=overflow, no_wrap=no_wrap)
        wrap_justify = justify or self.justify or "default"
        wrap_overflow = overflow or self.overflow or "fold"
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            pieces = line.divide(line_breaks(line.plain, width))
            for piece in pieces:
                piece.rstrip_end(width)
            pieces.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
            for piece in pieces:
                piece.truncate(width, overflow=wrap_overflow)
            lines.extend(pieces)
        return lines


def _chinese_text(text: Any) -> Any:
    if not isinstance(text, Text):
        return text
    folding = _ChineseText.assemble(text)
    folding.overflow = "fold"
    return folding


def _folding(make: Callable[..., Any]) -> Callable[..., Any]:
    """Chinese help has no spaces to break at: fold long lines instead of cutting them with '…'."""

    def make_folding(*args: Any, **kwargs: Any) -> Any:
        made = make(*args, **kwargs)
        if isinstance(made, Columns):  # an option's help, then its [默认：…] and [必填]
            made.renderables = [_chinese_text(item) for item in made.renderables]
            return made
        return _chinese_text(made)

    return make_folding


def _plain_labels(gettext: Callable[[str], str]) -> Callable[[str], str]:
    """Only the help labels: typer's other English (error messages) is read and translated by error_message."""

    def translate(message: str) -> str:
        return PLAIN_LABELS.get(message) or gettext(message)

    return translate


def _chinese_type(display_type: Callable[..., str]) -> Callable[..., str]:
    def chinese(self: Any, ctx: Any) -> str:
        return type_tag(display_type(self, ctx))

    return chinese


def install() -> None:
    """Make typer's help Chinese (labels, type tags, wrapping); famscore.cli calls this once at import."""
    global _missing_before_install
    if _missing_before_install is not None:
        return
    _missing_before_install = missing_internals()
    for name, value in RICH_LABELS.items():
        setattr(rich_utils, name, value)
    rich_utils._make_rich_text = _folding(rich_utils._make_rich_text)
    rich_utils._get_parameter_help = _folding(rich_utils._get_parameter_help)
    typer.core._ = _plain_labels(typer.core._)  # type: ignore[assignment]
    parameter = typer.core._TyperParameter
    parameter.display_type = _chinese_type(parameter.display_type)  # type: ignore[method-assign]
