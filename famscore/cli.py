"""The famscore command line: the only module that prints or exits."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import multiprocessing
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text
from typer._click.exceptions import ClickException, UsageError
from typer.core import TyperCommand, TyperGroup

from famscore import cli_zh
from famscore.errors import ERROR, FamscoreError, Problem
from famscore.messages import Msg, Say

if TYPE_CHECKING:
    from famscore.batch.run import Progress
    from famscore.errors import Severity
    from famscore.proof import Proof
    from famscore.scheme.model import Scheme
    from famscore.scoring import BatchResult

cli_zh.install()


class _ZhHelp:
    """Click's built-in --help text and usage line are English; users read Chinese."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = cli_zh.ZH["help_option"]
        return option

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return cli_zh.usage_pieces(self, ctx)  # type: ignore[arg-type]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = " ".join(self.collect_usage_pieces(ctx))
        formatter.write_usage(ctx.command_path, pieces, prefix=cli_zh.ZH["usage"])

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]
        except UsageError as exc:
            # Click's parser raises some errors (an option missing its value) without the command,
            # so the message could not say which command's usage and help to look at.
            if exc.ctx is None:
                exc.ctx, exc.cmd = ctx, ctx.command
            raise


class _Group(_ZhHelp, TyperGroup):
    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Usage errors in Chinese, for `famscore` and for CliRunner alike (both come through here)."""
        run = functools.partial(
            super().main, args, prog_name, complete_var, windows_expand_args=windows_expand_args, **extra
        )
        if not standalone_mode:
            return run(standalone_mode=False)
        try:
            code = run(standalone_mode=False)
        except ClickException as exc:
            sys.exit(cli_zh.show_error(exc))
        except typer.Abort:
            cli_zh.show_aborted()
            sys.exit(1)
        # Without standalone mode typer returns an Exit's code, or the command's return value (None).
        sys.exit(code if isinstance(code, int) else 0)


class _Command(_ZhHelp, TyperCommand):
    pass


app = typer.Typer(
    name="famscore",
    cls=_Group,
    help="卫健委年度考评批量计分：检查考评表、生成填报表、汇总计分、定级排名。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
out = Console()
err = Console(stderr=True)
P = ParamSpec("P")

SchemeArg = Annotated[
    Path,
    typer.Argument(metavar="考评表", help="考评表工作簿（.xlsx/.xls/.ods）", exists=True, dir_okay=False),
]


def _version(value: bool) -> None:
    if value:
        from famscore import __version__

        out.print(f"famscore {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", help="显示版本号后退出", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """卫健委年度考评批量计分：检查考评表、生成填报表、汇总计分、定级排名。"""


def _e(value: object) -> str:
    """Text from input (names, paths, messages quoting cells) printed as itself, never as markup."""
    from famscore.outputs.terminal import clean

    return escape(clean(str(value)))


def _plain(text: str) -> Text:
    from famscore.outputs.terminal import plain

    return plain(text)


def say(console: Console, markup: str) -> None:
    """Print famscore's own markup; every input-derived part of it has gone through `_e`."""
    console.print(markup, emoji=False, highlight=False)


def print_problems(problems: list[Problem], full_list: str = "") -> None:
    """The problem table; cut at PROBLEM_ROWS rows when `full_list` says where all of them are."""
    from famscore.outputs.terminal import PROBLEM_ROWS, problems_table

    if problems:
        err.print(problems_table(problems, PROBLEM_ROWS if full_list else len(problems), full_list))


def handles_errors(command: Callable[P, None]) -> Callable[P, None]:
    """Every error famscore raises on purpose becomes a Chinese message and its exit code."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except FamscoreError as exc:
            raise fail(exc) from None

    return run


def fail(exc: FamscoreError) -> typer.Exit:
    where = exc.path + "：" if exc.path and exc.path not in exc.message else ""
    err.print(Text(str(ERROR), style="bold red") + _plain(f"：{where}{exc.message}"))
    return typer.Exit(exc.exit_code)


def refuse(msg: Msg, **fields: object) -> typer.Exit:
    """Print the catalogue's sentence for a misused command (text in red, then the fix); exit 2."""
    text, fix = msg.render(**fields)
    say(err, f"[bold red]{_e(text)}[/]{_e(fix)}")
    return typer.Exit(2)


def report(console: Console, line: Say, style: str = "", **fields: object) -> None:
    """Print a status line from the catalogue: its text in `style`, then the particulars plain."""
    text, more = line.render(**fields)
    say(console, f"[{style}]{_e(text)}[/]{_e(more)}" if style else _e(text + more))


_SCHEME, _RETURN, _SUMMARY = "scheme", "return", "summary"


def _kind_of(path: Path) -> str:
    """What a workbook is by its sheets (a scheme, a unit's return, a summary; "" if none), so that a
    command given the wrong one can say which command it belongs to."""
    from famscore.entry_sheet import ENTRY_SHEET, META_SHEET
    from famscore.outputs.layout import SHEET_RANK, SHEET_SCHEME
    from famscore.scheme.format import INDICATORS, SETTINGS
    from famscore.workbook import find_sheet, open_workbook

    try:
        names = open_workbook(path).sheet_names
    except Exception:  # calamine raises several unrelated types for unreadable files
        return ""

    def has(*sheets: str) -> bool:
        return all(find_sheet(names, sheet) is not None for sheet in sheets)

    if has(SETTINGS, INDICATORS):
        return _SCHEME
    if has(SHEET_RANK, SHEET_SCHEME):
        return _SUMMARY
    if has(ENTRY_SHEET) or has(META_SHEET):
        return _RETURN
    return ""


def _refuse_other_kind(path: Path) -> None:
    """Exit 2 naming what `path` is and the command for it, when it is a return or a summary."""
    kind = _kind_of(path)
    if kind == _RETURN:
        raise refuse(Msg.CLI_GIVEN_RETURN, path=path)
    if kind == _SUMMARY:
        raise refuse(Msg.CLI_GIVEN_SUMMARY, path=path)


@app.command(cls=_Command)
@handles_errors
def check(scheme: SchemeArg) -> None:
    """检查考评表：打印指标树和分值，列出全部问题（工作表、行、列和改法），并逐个验算「算例」。

    考评表有错误（含不成立的算例）时退出码为 2；只有警告时为 0。

    示例：famscore check examples/changning-2023/考评表.xlsx
    """
    from famscore.outputs.terminal import scheme_tree
    from famscore.scheme.loader import check_scheme

    loaded, problems = check_scheme(scheme)
    if loaded is None:
        _refuse_other_kind(scheme)
    if loaded is not None:
        out.print(scheme_tree(loaded))
    proof = _prove(loaded)
    problems = [*problems, *proof.problems] if proof else problems
    print_problems(problems)
    if proof:
        _report_proof(proof)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if errors or loaded is None:
        raise refuse(Msg.CLI_SCHEME_HAS_ERRORS, errors=errors, warnings=warnings)
    usable = Say.SCHEME_USABLE_WITH_WARNINGS if warnings else Say.SCHEME_USABLE
    report(out, usable, "bold green", fingerprint=loaded.fingerprint, warnings=warnings)


ReturnsArg = Annotated[
    Path,
    typer.Argument(metavar="回表文件夹", help="存放各单位交回的填报表的文件夹", exists=True, file_okay=False),
]
# --- two-party batches: the departments' 评分表 in a folder of their own (issue 12) ---------------------
ReviewsOpt = Annotated[
    Path | None,
    typer.Option(
        "--reviews",
        metavar="评分表文件夹",
        help="各考核部门交回的评分表所在的文件夹；评分表也可以直接放在回表文件夹中"
        "（按隐藏的 _meta 识别，与文件名无关）。示例：--reviews 评分表",
        exists=True,
        file_okay=False,
    ),
]
# explain and feedback read either a scheme (with the returns) or a summary workbook.
SchemeOrSummaryArg = Annotated[
    Path,
    typer.Argument(
        metavar="考评表或汇总工作簿",
        help="考评表（同时给出回表文件夹），或 famscore score 写出的汇总工作簿",
        exists=True,
        dir_okay=False,
    ),
]
UnitsFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--units-file",
        help="单位名单（每行一个单位，.txt/.csv/.xlsx）；用来发现未交回的单位",
        exists=True,
        dir_okay=False,
    ),
]


def _prove(scheme: Scheme | None, severity: Severity = ERROR) -> Proof | None:
    """The scheme's 算例 run through its rules (None when it has none): errors for check, else warnings."""
    from famscore.proof import prove

    if scheme is None or not scheme.examples:
        return None
    return prove(scheme, severity)


def _report_proof(proof: Proof) -> None:
    if proof.failed:
        report(
            err,
            Say.EXAMPLES_SOME_FAIL,
            "bold yellow",
            failed=proof.failed,
            passed=proof.passed,
            count=proof.count,
        )
    else:
        report(out, Say.EXAMPLES_ALL_HOLD, "green", count=proof.count)


def _load(scheme: Path) -> Scheme:
    from famscore.errors import WARNING, SchemeError
    from famscore.scheme.loader import load_scheme

    try:
        loaded = load_scheme(scheme)
    except SchemeError as exc:
        _refuse_other_kind(scheme)
        print_problems(exc.problems)
        raise refuse(Msg.CLI_SCHEME_CANNOT_SCORE, path=scheme) from None
    # A 算例 that does not hold is the author's hand sum or the rules being wrong; check refuses it, and
    # here it is said before scoring (not refused: the rules passed every other check and only the
    # author can tell which side is wrong).
    proof = _prove(loaded, WARNING)
    if proof is not None and proof.failed:
        print_problems(list(proof.problems))
        _report_proof(proof)
    return loaded


@contextlib.contextmanager
def _read_progress(quiet: bool) -> Iterator[Progress]:
    """The progress bar while returns are read, as the callback the batch reports to."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    label = TextColumn(Say.READING_RETURNS.render()[0])
    columns = (label, BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True, disable=quiet) as bar:
        task = bar.add_task("read", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _score(
    scheme_path: Path,
    returns: Path,
    units_file: Path | None,
    quiet: bool = False,
    reviews: Path | None = None,
) -> BatchResult:
    """The one library call behind `score` and `explain`, inside the progress bar."""
    from famscore.batch import NoReturns, score_folder
    from famscore.units import read_units_file

    scheme = _load(scheme_path)
    units = read_units_file(units_file) if units_file is not None else None
    try:
        with _read_progress(quiet) as advance:
            return score_folder(scheme, returns, units, advance, reviews=reviews)
    except NoReturns as empty:
        # An empty summary would replace last run's and rank nobody: that is a wrong folder, not a result.
        print_problems(empty.notes)
        raise fail(empty) from None


class TemplateKind(StrEnum):
    """What `template --only` writes: the units' forms or the departments' 评分表."""

    UNIT = "单位表"
    REVIEW = "评分表"


@app.command(cls=_Command)
@handles_errors
def template(
    scheme: SchemeArg,
    unit: Annotated[
        list[str] | None, typer.Option("--unit", "-u", help="单位名称，可写多次；不写则生成一份空白填报表")
    ] = None,
    units_file: UnitsFileOpt = None,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="输出文件夹（不存在会自动创建）", file_okay=False)
    ] = Path("填报表"),
    only: Annotated[
        TemplateKind | None,
        typer.Option(
            "--only",
            help="只生成一种：单位表（各单位的填报表）或评分表（各考核部门的评分表）；不写则两种都生成。"
            "例：--only 评分表",
        ),
    ] = None,
    returns: Annotated[
        Path | None,
        typer.Option(
            "--returns",
            help="各单位已交回的填报表所在的文件夹：评分表中用灰色列显示各单位填报的数据和自评分，供核定时对照",
            exists=True,
            file_okay=False,
        ),
    ] = None,
) -> None:
    """生成填报表：每个单位一份（只含单位填写的项目和自评分），每个考核部门一份评分表（每个单位一行）。

    填报表和评分表都含填写说明、下拉选项和数值范围校验，只有黄色格子可填。
    示例：famscore template examples/changning-2023/考评表.xlsx --units-file examples/changning-2023/units.txt -o 填报表
    """
    from famscore.names import name_key
    from famscore.outputs.safe import plan_outputs
    from famscore.templates import (
        build_review_forms,
        build_templates,
        reported_values,
        review_paths,
        template_paths,
    )
    from famscore.units import read_units_file

    if unit and units_file is not None:
        raise refuse(Msg.CLI_UNIT_AND_UNITS_FILE)
    loaded = _load(scheme)
    units: list[str] = read_units_file(units_file) if units_file is not None else list(unit or [])
    if len({name_key(u) for u in units}) != len(units):  # 新泾镇（虹桥） and 新泾镇(虹桥) are one unit
        raise refuse(Msg.CLI_DUPLICATE_UNITS)
    forms, reviews = only != TemplateKind.REVIEW, only != TemplateKind.UNIT and loaded.two_party
    if only == TemplateKind.REVIEW and not loaded.two_party:
        raise refuse(Msg.CLI_NO_DEPARTMENTS)
    if returns is not None and not reviews:
        raise refuse(Msg.CLI_RETURNS_WITHOUT_REVIEWS)
    if returns is not None and not units:
        raise refuse(Msg.CLI_RETURNS_NEED_UNITS)
    planned = template_paths(loaded, units, output) if forms else []
    planned_reviews = review_paths(loaded, output) if reviews else []
    plan_outputs(
        [("填报表", path) for _, path in planned] + [("评分表", path) for _, path in planned_reviews],
        [("考评表", scheme), ("单位名单", units_file), ("回表文件夹", returns)],
        folders_exist=False,
    )
    reported = None
    if returns is not None:
        reported, problems = reported_values(loaded, returns, units)
        print_problems(problems)
    if forms:
        paths = build_templates(loaded, units, output)
        for path in paths:
            out.print(_plain(f"  {path}"))
        made = Say.TEMPLATES_MADE if units else Say.BLANK_TEMPLATE_MADE
        report(out, made, "bold green", count=len(paths), folder=output)
    if reviews:
        paths = build_review_forms(loaded, units, output, reported=reported)
        for path in paths:
            out.print(_plain(f"  {path}"))
        report(out, Say.REVIEWS_MADE, "bold green", count=len(paths), folder=output)


@app.command(cls=_Command)
@handles_errors
def score(
    scheme: SchemeArg,
    returns: ReturnsArg,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="汇总工作簿路径；默认放在回表文件夹旁边", dir_okay=False),
    ] = None,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="另写一份机器可读的 JSON 结果", dir_okay=False)
    ] = None,
    units_file: UnitsFileOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度条和排名表")] = False,
    notice_file: NoticeOpt = None,
    issuer: IssuerOpt = "",
    date: DateOpt = "",
    feedback: FeedbackDirOpt = None,
    reviews: ReviewsOpt = None,
    results: Annotated[
        Path | None,
        typer.Option(
            "--results",
            help="另写入结果文件夹（Parquet 表，按年度存放，多年累积，供 pandas/DuckDB 分析；"
            "需要 pip install 'famscore[analysis]'），例如 --results 历年结果",
            file_okay=False,
        ),
    ] = None,
    json_lines: Annotated[
        bool, typer.Option("--json-lines", help="--json 写成每行一个单位的 NDJSON，适合很大的批次")
    ] = False,
) -> None:
    """计分：读取文件夹中全部回表，逐项计分、汇总、定级、排名，写出汇总工作簿并打印排名表。

    退出码：0 全部回表计分无误；1 有回表存在问题（其余照常计分并写出）；2 考评表无效或用法错误。

    示例：famscore score examples/changning-2023/考评表.xlsx examples/changning-2023/returns

    同时写出结果通报：famscore score 考评表.xlsx 回表 --units-file 单位名单.txt --notice 通报.docx --issuer 某区卫生健康委员会
    """
    targets = _plan_score(scheme, returns, output, json_file, units_file, reviews)  # refuses inputs, up front
    inputs = [
        ("考评表", scheme),
        ("单位名单", units_file),
        ("回表文件夹", returns),
        ("评分表文件夹", reviews),
    ]
    extra = _plan_analysis(scheme, returns, units_file, json_file, results, json_lines)
    notice = _plan_notice(
        notice_file, issuer, date, targets, units_file, inputs=(("考评表", scheme), ("回表文件夹", returns))
    )
    if feedback is not None:
        _plan_feedback_folder(feedback, inputs)
    batch = _score(scheme, returns, units_file, quiet, reviews)
    _plan_results(batch, extra)
    if feedback is not None:
        targets = dataclasses.replace(targets, feedback=_feedback_targets(batch, feedback, inputs))
    _write_outputs(batch, targets, notice, extra)
    _show_score(batch, targets, quiet)
    _show_analysis(batch, extra)
    if targets.feedback:
        report(out, Say.FEEDBACK_WRITTEN, count=len(targets.feedback), folder=feedback)
    _show_notice(notice, tuple(u.unit for u in batch.units if not u.rankable), bool(batch.roster))
    raise typer.Exit(1 if any(p.is_error for p in batch.problems) else 0)


@dataclass(frozen=True)
class _Targets:
    """Where `score` writes: the summary workbook (and the audit CSV beside it), and the JSON."""

    summary: Path
    json_file: Path | None
    feedback: list[Path] | None = None  # each unit's feedback workbook (--feedback)


def _plan_score(
    scheme: Path,
    returns: Path,
    output: Path | None,
    json_file: Path | None,
    units_file: Path | None,
    reviews: Path | None = None,
) -> _Targets:
    """The outputs of `score`, refused (UsageError) if any would land on an input, before any work."""
    from famscore.outputs.safe import plan_outputs
    from famscore.outputs.writeall import output_paths

    if output is None:
        output = returns.resolve().parent / f"{returns.resolve().name}_计分汇总.xlsx"
    # Every file this run reads, against every file it may write.
    inputs = [
        ("考评表", scheme),
        ("单位名单", units_file),
        ("回表文件夹", returns),
        ("评分表文件夹", reviews),
    ]
    plan_outputs(output_paths(output, json_file), inputs)
    return _Targets(output, json_file)


# ---------------------------------------------------------------- score: outputs for analysts


@dataclass(frozen=True)
class _Analysis:
    """What `score` writes for analysts: the results folder, NDJSON, the roster's unit codes."""

    inputs: list[tuple[str, Path | None]]
    results: Path | None = None
    json_lines: bool = False
    codes: dict[str, str] | None = None


def _plan_analysis(
    scheme: Path,
    returns: Path,
    units_file: Path | None,
    json_file: Path | None,
    results: Path | None,
    json_lines: bool,
) -> _Analysis:
    """--results and --json-lines checked before any work: the extra installed, the folder not an input."""
    from famscore.outputs.safe import plan_outputs
    from famscore.units import read_unit_codes

    if json_lines and json_file is None:
        raise refuse(Msg.CLI_JSON_LINES_NEEDS_JSON)
    inputs: list[tuple[str, Path | None]] = [
        ("考评表", scheme),
        ("单位名单", units_file),
        ("回表文件夹", returns),
    ]
    if results is not None:
        from famscore.analysis.arrow import need_extra

        need_extra("pyarrow")
        if results.exists() and not results.is_dir():
            raise refuse(Msg.RESULTS_NOT_FOLDER, folder=results)
        plan_outputs(
            [("结果文件夹", results / "units" / "year" / "batch.parquet")], inputs, folders_exist=False
        )
    # The roster is read again only when an output carries the codes.
    wanted = units_file is not None and (json_file is not None or results is not None)
    codes = read_unit_codes(units_file) if wanted and units_file is not None else None
    return _Analysis(inputs, results, json_lines, codes)


def _plan_results(batch: BatchResult, extra: _Analysis) -> None:
    """The results folder's files, now that the scheme (its year and fingerprint) is known."""
    if extra.results is None:
        return
    from famscore.analysis.folder import results_plan
    from famscore.analysis.tables import facts_of_scheme
    from famscore.outputs.safe import plan_outputs

    plan = results_plan(extra.results, facts_of_scheme(batch.scheme))
    plan_outputs(plan, extra.inputs, folders_exist=False)


def _show_analysis(batch: BatchResult, extra: _Analysis) -> None:
    if extra.results is not None:
        from famscore.analysis.tables import facts_of_scheme

        facts = facts_of_scheme(batch.scheme)
        report(out, Say.RESULTS_WRITTEN, folder=extra.results, year=facts.year, batch=facts.batch_id)


# ----------------------------------------------------------------


def _write_outputs(
    batch: BatchResult,
    targets: _Targets,
    notice: _NoticePlan | None = None,
    extra: _Analysis | None = None,
) -> None:
    """Every output, together; what writing them had to change (text cleaned) joins the problems."""
    import datetime as dt

    from famscore._version import __version__
    from famscore.outputs.writeall import write_outputs

    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    notes: list[Problem] = []
    write_outputs(
        batch,
        targets.summary,
        targets.json_file,
        generated_at=stamp,
        famscore_version=__version__,
        notes=notes,
        notice=_notice_job(batch, notice),
        feedback=targets.feedback,
        results=extra.results if extra else None,
        codes=extra.codes if extra else None,
        json_lines=extra.json_lines if extra else False,
    )
    batch.problems.extend(notes)


def _show_score(batch: BatchResult, targets: _Targets, quiet: bool) -> None:
    """What `score` prints: the ranking, the problems, and where the outputs are."""
    from famscore.outputs.audit import audit_csv_target
    from famscore.outputs.terminal import band_counts, ranking_table

    if not quiet:
        out.print(ranking_table(batch))
        if batch.scheme.bands:
            out.print(band_counts(batch))
    print_problems(batch.problems, full_list=Say.FULL_PROBLEM_LIST.render(name=targets.summary.name)[0])
    complete = sum(u.complete for u in batch.units)
    pending = sum(not u.rankable for u in batch.units)
    if batch.reviews:
        read = Say.FILES_READ_WITH_REVIEWS_SOME_PENDING if pending else Say.FILES_READ_WITH_REVIEWS
    else:
        read = Say.FILES_READ_SOME_PENDING if pending else Say.FILES_READ
    report(out, read, files=batch.files, reviews=batch.reviews, complete=complete, pending=pending)
    report(out, Say.SUMMARY_WRITTEN, path=targets.summary)
    csv_path = audit_csv_target(batch, targets.summary)
    if csv_path is not None:
        report(out, Say.AUDIT_CSV_WRITTEN, path=csv_path)
    if targets.json_file is not None:
        report(out, Say.JSON_WRITTEN, path=targets.json_file)
    if any(p.is_error for p in batch.problems):
        from famscore.outputs.terminal import problem_tally

        report(err, Say.PROBLEMS_TO_FIX, "bold yellow", tally=problem_tally(batch.problems))


@app.command(cls=_Command)
@handles_errors
def explain(
    source: SchemeOrSummaryArg,
    returns: Annotated[
        Path | None,
        typer.Argument(
            metavar="[回表文件夹]", help="回表文件夹；从汇总工作簿说明时不写", exists=True, file_okay=False
        ),
    ] = None,
    unit: Annotated[str, typer.Option("--unit", "-u", help="单位名称")] = "",
    units_file: UnitsFileOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="另把该单位的反馈表写到这个 .xlsx 文件", dir_okay=False),
    ] = None,
    reviews: ReviewsOpt = None,
) -> None:
    """逐项说明某个单位的得分和理由（可发给该单位核对）。

    示例：famscore explain examples/changning-2023/考评表.xlsx examples/changning-2023/returns --unit 新华街道

    也可以从汇总工作簿说明：famscore explain 汇总.xlsx --unit 新华街道

    写出该单位的反馈表：famscore explain 汇总.xlsx --unit 新华街道 -o 新华街道反馈表.xlsx
    """
    from famscore.names import name_key
    from famscore.outputs.terminal import self_scores, unit_breakdown
    from famscore.outputs.view import breakdown_of, unit_view, view_of_batch

    if not unit:
        raise refuse(Msg.CLI_NO_UNIT)
    if output is not None:
        from famscore.outputs.safe import plan_outputs

        inputs = [("考评表或汇总工作簿", source), ("回表文件夹", returns), ("单位名单", units_file)]
        plan_outputs([("反馈表", output)], inputs)
    if returns is None:
        from famscore.outputs.readback import read_breakdown, read_summary

        try:
            summary = read_summary(source)
        except FamscoreError:
            if _kind_of(source) == _SCHEME:
                raise refuse(Msg.CLI_EXPLAIN_NEEDS_RETURNS, path=source, unit=unit) from None
            _refuse_other_kind(source)
            raise
        match = [u for u in summary.units if name_key(u.unit) == name_key(unit)]
        rows = read_breakdown(source, summary, match[0]) if match else []
        if not rows:
            names = [u.unit for u in summary.units]
            guess = cli_zh.near_miss(unit, names)
            raise refuse(Msg.CLI_UNIT_NOT_IN_SUMMARY, unit=unit, guess=guess, names="、".join(names))
        out.print(unit_breakdown(summary, match[0], rows))
        if output is not None:
            _write_one_feedback(output, source=source, unit=match[0].unit)
        return
    batch = _score(source, returns, units_file, quiet=True, reviews=reviews)
    found = [u for u in batch.units if name_key(u.unit) == name_key(unit)]
    if not found:
        scored = [u.unit for u in batch.units]
        guess = cli_zh.near_miss(unit, scored)
        raise refuse(Msg.CLI_UNIT_NOT_SCORED, unit=unit, guess=guess, names="、".join(scored))
    view = view_of_batch(batch, limit=0)
    claims = self_scores(batch, found[0])
    out.print(unit_breakdown(view, unit_view(batch, found[0]), breakdown_of(batch, found[0]), claims))
    if output is not None:
        _write_one_feedback(output, batch=batch, index=batch.units.index(found[0]))
    own = [p for p in batch.problems if p.file == found[0].file]
    print_problems(own)
    if any(p.is_error for p in own):
        raise typer.Exit(1)


# ---------------------------------------------------------------- feedback workbooks and objections

FeedbackDirOpt = Annotated[
    Path | None,
    typer.Option("--feedback", help="另为每个单位写一份反馈表（.xlsx）到这个文件夹", file_okay=False),
]


def _plan_feedback_folder(folder: Path, inputs: Sequence[tuple[str, Path | None]]) -> None:
    """Refuse, before scoring, a feedback folder among the inputs (the names come after scoring)."""
    from famscore.outputs.safe import plan_outputs

    plan_outputs([("反馈表", folder / "反馈表.xlsx")], inputs, folders_exist=False)


def _feedback_targets(
    batch: BatchResult, folder: Path, inputs: Sequence[tuple[str, Path | None]]
) -> list[Path]:
    from famscore.outputs.feedback import BatchSource, plan_feedback

    source = BatchSource(batch)
    return plan_feedback(source, source.facts, folder, inputs)


def _write_one_feedback(
    output: Path, *, source: Path | None = None, unit: str = "", batch: Any = None, index: int = 0
) -> None:
    """`explain -o`: the unit's feedback workbook, from the batch just scored or from the summary."""
    from famscore.outputs.feedback import BatchSource, summary_source, write_one

    feedback = BatchSource(batch).get(index) if batch is not None else summary_source(source, [unit]).get(0)  # type: ignore[arg-type]
    write_one(feedback, output)
    report(out, Say.FEEDBACK_ONE_WRITTEN, path=output)


@app.command(cls=_Command)
@handles_errors
def feedback(
    source: SchemeOrSummaryArg,
    returns: Annotated[
        Path | None,
        typer.Argument(
            metavar="[回表文件夹]", help="回表文件夹；从汇总工作簿生成时不写", exists=True, file_okay=False
        ),
    ] = None,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="输出文件夹（不存在会自动创建）", file_okay=False)
    ] = Path("反馈表"),
    units_file: UnitsFileOpt = None,
    reviews: ReviewsOpt = None,
) -> None:
    """生成反馈表：每个单位一份 .xlsx，含各项得分和理由、填报数据、全区情况，以及单位填写异议的黄色格子。

    示例：famscore feedback examples/changning-2023/考评表.xlsx examples/changning-2023/returns -o 反馈表

    也可以从汇总工作簿生成：famscore feedback 汇总.xlsx -o 反馈表
    """
    from famscore.outputs.feedback import (
        BatchSource,
        Source,
        plan_feedback,
        summary_source,
        write_feedback_files,
    )

    inputs = [
        ("考评表或汇总工作簿", source),
        ("回表文件夹", returns),
        ("单位名单", units_file),
        ("评分表文件夹", reviews),
    ]
    _plan_feedback_folder(output, inputs)
    units: Source
    problems: list[Problem] = []
    if returns is None:
        try:
            units = summary_source(source)
        except FamscoreError:
            if _kind_of(source) == _SCHEME:
                raise refuse(Msg.CLI_FEEDBACK_NEEDS_RETURNS, path=source) from None
            _refuse_other_kind(source)
            raise
    else:
        batch = _score(source, returns, units_file, reviews=reviews)
        units, problems = BatchSource(batch), batch.problems
    names = units.names
    if not names:
        raise refuse(Msg.CLI_FEEDBACK_NO_UNITS, path=source)
    facts = units.facts if isinstance(units, BatchSource) else units.get(0).facts
    targets = plan_feedback(units, facts, output, inputs)
    write_feedback_files(units, targets)
    # Scored here: what score would have said about the returns (a missing 评分表 leaves items 待定).
    print_problems(problems)
    report(out, Say.FEEDBACK_WRITTEN, "bold green", count=len(targets), folder=output)
    if any(p.is_error for p in problems):
        raise typer.Exit(1)


@app.command(cls=_Command)
@handles_errors
def objections(
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="反馈表文件夹", help="存放各单位发回的反馈表的文件夹", exists=True, file_okay=False
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="异议汇总工作簿路径；默认放在文件夹旁边", dir_okay=False),
    ] = None,
    scheme: Annotated[
        Path | None,
        typer.Option("--scheme", help="考评表：只收集按这份考评表生成的反馈表", exists=True, dir_okay=False),
    ] = None,
) -> None:
    """收集异议：读取各单位发回的反馈表，把「异议说明」汇总到一张表；得分被改动的反馈表只报告、不采信。

    退出码：0 全部反馈表可用；1 有文件无法读取、不是反馈表或得分被改动（其余照常汇总）；2 用法错误。

    示例：famscore objections 发回的反馈表 -o 异议汇总.xlsx --scheme examples/changning-2023/考评表.xlsx
    """
    from famscore.outputs.objections import collect_objections, objections_writer
    from famscore.outputs.safe import OutputSet, plan_outputs

    if output is None:
        output = folder.resolve().parent / f"{folder.resolve().name}_异议汇总.xlsx"
    plan_outputs([("异议汇总", output)], [("反馈表文件夹", folder), ("考评表", scheme)])
    fingerprint = _load(scheme).fingerprint if scheme is not None else ""
    found = collect_objections(folder, fingerprint)
    with OutputSet() as outputs:
        outputs.write(output, objections_writer(found))
        outputs.commit()
    print_problems(found.problems)
    units = len({o.unit for o in found.objections})
    report(
        out,
        Say.OBJECTIONS_COLLECTED,
        files=found.files,
        trusted=found.trusted,
        count=len(found.objections),
        units=units,
    )
    report(out, Say.OBJECTIONS_WRITTEN, path=output)
    raise typer.Exit(1 if any(p.is_error for p in found.problems) else 0)


@app.command(cls=_Command)
@handles_errors
def show(
    summary: Annotated[
        Path,
        typer.Argument(
            metavar="汇总工作簿", help="famscore score 写出的汇总工作簿", exists=True, dir_okay=False
        ),
    ],
) -> None:
    """从汇总工作簿重新打印排名表（不需要考评表和回表）。

    示例：famscore show examples/changning-2023/returns_计分汇总.xlsx
    """
    from famscore.outputs.readback import read_summary
    from famscore.outputs.terminal import band_counts, ranking_table

    view = read_summary(summary)
    out.print(ranking_table(view, limit=None))
    if view.scheme.bands:
        out.print(band_counts(view))


# --- famscore notice, and score --notice: the results notice as an official Word document ------------

NoticeOpt = Annotated[
    Path | None,
    typer.Option(
        "--notice", help="同时写出结果通报（Word 文档，.docx），例如 --notice 通报.docx", dir_okay=False
    ),
]
IssuerOpt = Annotated[
    str, typer.Option("--issuer", help="通报落款的发文机关，例如 --issuer 长宁区卫生健康委员会")
]
DateOpt = Annotated[
    str, typer.Option("--date", help="通报的成文日期（年-月-日），例如 --date 2022-02-18；默认今天")
]


@dataclass(frozen=True)
class _NoticePlan:
    """Where and how the notice is written, checked before any work."""

    target: Path
    issuer: str
    date: str
    template: Path | None
    roster: tuple[str, ...]


def _plan_notice(
    target: Path | None,
    issuer: str,
    date: str,
    targets: _Targets | None,
    units_file: Path | None,
    template: Path | None = None,
    inputs: tuple[tuple[str, Path | None], ...] = (),
) -> _NoticePlan | None:
    """Refuse a bad --notice/--date/--template up front (UsageError, exit 2); None without --notice."""
    from famscore.outputs.notice_docx import check_template, parse_date
    from famscore.outputs.safe import plan_outputs
    from famscore.units import read_units_file

    if target is None:
        return None
    if target.suffix.lower() != ".docx":
        raise refuse(Msg.NOTICE_NOT_DOCX_NAME, out=target, example=target.with_suffix(".docx"))
    if date:
        parse_date(date)
    if template is not None:
        check_template(template)
    outputs: list[tuple[str, Path | str]] = [("结果通报", target)]
    if targets is not None:  # score: the notice must not be any other output either
        from famscore.outputs.writeall import output_paths

        outputs = [*output_paths(targets.summary, targets.json_file), *outputs]
    plan_outputs(outputs, [*inputs, ("单位名单", units_file), ("通报模板", template)])
    # score orders the notice by the roster it scored with (BatchResult.roster); notice reads it here.
    roster = tuple(read_units_file(units_file)) if units_file is not None and targets is None else ()
    return _NoticePlan(target, issuer, date, template, roster)


def _notice_options(plan: _NoticePlan) -> Any:
    from famscore.outputs.notice_docx import NoticeOptions, parse_date

    return NoticeOptions(plan.issuer, parse_date(plan.date) if plan.date else None, plan.template)


def _notice_job(batch: BatchResult, plan: _NoticePlan | None) -> Any:
    """The notice's (target, writer, verify) for write_outputs; None without --notice."""
    if plan is None:
        return None
    from famscore.outputs.notice_docx import content_from_batch, notice_writer, verify_docx

    content = content_from_batch(batch, plan.roster)
    return plan.target, notice_writer(content, _notice_options(plan)), verify_docx


def _show_notice(plan: _NoticePlan | None, left_out: tuple[str, ...], roster_used: bool) -> None:
    if plan is None:
        return
    report(out, Say.NOTICE_WRITTEN, "bold green", path=plan.target)
    if not plan.issuer.strip():
        report(err, Say.NOTICE_NO_ISSUER, "bold yellow")
    if not roster_used:
        report(err, Say.NOTICE_NO_ROSTER, "bold yellow")
    if left_out:
        report(err, Say.NOTICE_LEFT_OUT, "bold yellow", count=len(left_out), names="、".join(left_out))


@app.command(cls=_Command)
@handles_errors
def notice(
    summary: Annotated[
        Path,
        typer.Argument(
            metavar="汇总工作簿", help="famscore score 写出的汇总工作簿", exists=True, dir_okay=False
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="结果通报（.docx）路径；默认放在汇总工作簿旁边", dir_okay=False),
    ] = None,
    issuer: IssuerOpt = "",
    date: DateOpt = "",
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            help="本单位的红头模板（.docx）：通报内容接在模板内容之后，页面和页码用模板的",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    units_file: Annotated[
        Path | None,
        typer.Option(
            "--units-file",
            help="单位名单（计分时用的那一份）；通报中同一等级的单位按名单顺序排列",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """从汇总工作簿写出结果通报（Word 文档，党政机关公文格式 GB/T 9704-2012）。

    内容：标题、主送、开头语、一、考核内容，二、工作完成情况（按得分拟的初稿，发出前请修改），
    三、考核结果（按等级分组，排名不分先后），落款和成文日期。待定的单位不列入。

    示例：famscore notice examples/changning-2023/returns_计分汇总.xlsx -o 通报.docx --units-file examples/changning-2023/units.txt --issuer 长宁区卫生健康委员会 --date 2024-02-18
    """
    from famscore.outputs.notice_docx import content_from_summary, notice_writer, verify_docx
    from famscore.outputs.safe import OutputSet

    kind = _kind_of(summary)
    if kind != _SUMMARY:
        message = {_SCHEME: Msg.NOTICE_GIVEN_SCHEME, _RETURN: Msg.NOTICE_GIVEN_RETURN}.get(kind)
        if message is not None or summary.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
            raise refuse(message or Msg.NOTICE_GIVEN_OTHER, path=summary)
    if output is None:
        output = summary.resolve().parent / f"{summary.stem}_结果通报.docx"
    plan = _plan_notice(output, issuer, date, None, units_file, template, (("汇总工作簿", summary),))
    assert plan is not None
    content = content_from_summary(summary, plan.roster)
    with OutputSet() as outputs:
        outputs.write(plan.target, notice_writer(content, _notice_options(plan)), verify_docx)
        outputs.commit()
    _show_notice(plan, content.left_out, content.roster_used)


@app.command(cls=_Command)
@handles_errors
def new_scheme(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="要写出的考评表文件（.xlsx，不能已经存在）", dir_okay=False)
    ] = Path("考评表.xlsx"),
) -> None:
    """写出一份考评表起步工作簿：六张表带下拉选项和表头批注，另有「说明」（怎样写）和「示例」（每种规则一例）。

    填写前 famscore check 会提示还没有指标；照「说明」填好后再检查。

    示例：famscore new-scheme -o 2024年考评表.xlsx
    """
    from famscore.outputs.safe import atomic_write, plan_outputs
    from famscore.rules import primary_kinds
    from famscore.scheme.starter import write_starter

    if output.suffix.lower() != ".xlsx":
        raise refuse(Msg.CLI_NEW_SCHEME_SUFFIX, path=output)
    if output.exists():  # most likely the scheme someone has been filling in
        raise refuse(Msg.CLI_NEW_SCHEME_EXISTS, path=output)
    plan_outputs([("考评表", output)], [])
    atomic_write(output, lambda temp: write_starter(temp, primary_kinds()))
    report(out, Say.NEW_SCHEME_WRITTEN, "bold green", path=output)


# ---------------------------------------------------------------- export, history, compare (analysis)

ResultsArg = Annotated[
    Path,
    typer.Argument(
        metavar="结果",
        help="famscore score 写出的汇总工作簿、--json 写出的 JSON 结果，或 --results 写出的结果文件夹",
        exists=True,
    ),
]


@app.command(cls=_Command)
@handles_errors
def export(
    source: ResultsArg,
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", help="结果文件夹（不存在会自动创建；多年可写入同一个）", file_okay=False
        ),
    ],
    units_file: UnitsFileOpt = None,
) -> None:
    """把汇总工作簿或 JSON 结果导出到结果文件夹（Parquet 表，按年度存放），供 pandas、DuckDB 等分析。

    同一年度、同一考评表再次导出时替换原来的那一批，不会重复。给出带「单位代码」列的单位名单时写入单位代码。

    示例：famscore export examples/changning-2023/returns_计分汇总.xlsx -o 历年结果
    """
    from famscore.analysis.arrow import need_extra
    from famscore.analysis.folder import results_plan, write_results_folder
    from famscore.analysis.results import read_results
    from famscore.outputs.safe import plan_outputs
    from famscore.units import read_unit_codes, read_units_file

    need_extra("pyarrow", "duckdb")
    if output.exists() and not output.is_dir():
        raise refuse(Msg.RESULTS_NOT_FOLDER, folder=output)
    results = read_results(source)
    if units_file is not None:
        read_units_file(units_file)  # a roster it refuses is refused here too, with its message
        results = results.with_codes(read_unit_codes(units_file))
    inputs: list[tuple[str, Path | None]] = [("结果", source), ("单位名单", units_file)]
    plans = [(batch, results_plan(output, batch)) for batch in results.batches]
    plan_outputs([p for _, plan in plans for p in plan], inputs, folders_exist=False)
    write_results_folder(results, output)
    for batch, _ in plans:
        units = sum(1 for r in results.table("units") if r[0] == batch.year and r[3] == batch.fingerprint)
        report(
            out, Say.EXPORTED, "bold green", units=units, folder=output, year=batch.year, batch=batch.batch_id
        )


@app.command(cls=_Command)
@handles_errors
def history(
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="结果文件夹",
            help="famscore score --results 或 famscore export 写出的结果文件夹",
            exists=True,
            file_okay=False,
        ),
    ],
) -> None:
    """历年结果：按单位列出每年的总分和等级（有单位代码时按代码对照，改名的单位也在同一行）。

    示例：famscore history 历年结果
    """  # fmt: skip
    from famscore.analysis.query import history_rows
    from famscore.analysis.report import history_table

    rows = history_rows(folder)
    if not rows:
        report(out, Say.HISTORY_EMPTY)
        return
    out.print(history_table(rows))


@app.command(cls=_Command)
@handles_errors
def compare(
    last: Annotated[
        Path, typer.Argument(metavar="去年结果", help="去年的汇总工作簿、JSON 结果或结果文件夹", exists=True)
    ],
    this: Annotated[
        Path, typer.Argument(metavar="今年结果", help="今年的汇总工作簿、JSON 结果或结果文件夹", exists=True)
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="对比工作簿路径；默认为当前文件夹下的「对比_去年_今年.xlsx」",
            dir_okay=False,
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--map",
            help="指标编号对照文件（考评表改了编号时）：每行「旧编号|新编号」",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不打印对比表")] = False,
) -> None:
    """两年对比：每个单位的总分、等级、名次变化，每个指标的得分变化，进步最大的单位和两年都失分的指标。

    写出对比工作簿并打印对比表。单位有代码时按代码对照（改名也能对上）；满分变了的指标只列出、不比较。
    两个都给同一个结果文件夹时，比较其中最近的两年。

    示例：famscore compare 2022_计分汇总.xlsx 2023_计分汇总.xlsx --map 对照.txt
    """
    from famscore.analysis.arrow import need_extra
    from famscore.analysis.compare import compare as compare_years
    from famscore.analysis.compare import load_pair, read_map
    from famscore.analysis.report import compare_table, comparison_writer
    from famscore.outputs.safe import OutputSet, plan_outputs, verify_xlsx

    if last.is_dir() or this.is_dir():
        need_extra("duckdb")
    pairs = read_map(mapping) if mapping is not None else {}
    last_results, this_results = load_pair(last, this)
    comparison = compare_years(last_results, this_results, pairs)
    if output is None:
        output = Path(f"对比_{comparison.last_label}_{comparison.this_label}.xlsx")
    plan_outputs(
        [("对比工作簿", output)], [("去年结果", last), ("今年结果", this), ("指标对照文件", mapping)]
    )
    decimals = max((b.decimals for b in (*last_results.batches, *this_results.batches)), default=2)
    with OutputSet() as outputs:
        outputs.write(output, comparison_writer(comparison, decimals), verify_xlsx)
        outputs.commit()
    if not quiet:
        out.print(compare_table(comparison))
    report(out, Say.COMPARE_WRITTEN, path=output)


def _tolerant_streams() -> None:
    """A character the console cannot show (⚠ or 㙟 on a GBK console) prints as '?', never crashes."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def main() -> None:
    # A frozen Windows build (.exe) starts every worker by running this entry point again.
    multiprocessing.freeze_support()
    _tolerant_streams()

    from famscore import interrupt

    try:
        # SIGINT, SIGTERM and SIGHUP unwind through every finally: workers stopped, temporary files gone.
        interrupt.install()
        with interrupt.private_temp():
            app()
    except FamscoreError as exc:
        raise SystemExit(fail(exc).exit_code) from None
    except interrupt.Interrupted as stop:
        _say_interrupted(stop)
        raise SystemExit(stop.exit_code) from None


def _say_interrupted(stop: Any) -> None:
    """The one line a user reads after Ctrl-C or a kill, never a traceback, whatever the console."""
    # Not markup: the line names output paths, which may hold brackets. A console that cannot take
    # the line (closed terminal, odd encoding) gets nothing rather than a traceback.
    with contextlib.suppress(Exception):
        err.print(stop.message(), style="bold yellow", markup=False, highlight=False)
