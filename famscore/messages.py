"""Every sentence famscore says to a user about a problem, once: a code, the text, the fix and how bad.

A member's name is its stable code (in the JSON, the 问题 sheet and docs/problem-codes.md); its text and
fix are templates filled with the problem's particulars::

    problems.append(Msg.RETURN_NOT_SPREADSHEET.problem(file, kind="PDF"))

Members are grouped by the stage that reports them; add new ones to the end of their group. Two members
must never have the same text, fix and severity (an Enum would make the second an alias of the first):
tests/test_messages.py checks that, and that docs/problem-codes.md is current.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, NamedTuple

from famscore.errors import ERROR, WARNING, Problem, Severity


class Detail(NamedTuple):
    """One message: what is wrong, what to do about it, and how bad it is."""

    text: str
    fix: str = ""
    severity: Severity = ERROR


class Msg(Enum):
    """The catalogue. Placeholders in braces are filled by `problem(...)` / `render(...)`."""

    # --- the returns folder (famscore.returns: listing) ---------------------------------------------

    # --- return files (famscore.returns, famscore.safety) -------------------------------------------

    # --- values in returns (famscore.values) --------------------------------------------------------

    # --- the batch: identity, duplicates, roster (famscore.scoring, famscore.batch) -----------------
    UNIT_NOT_RETURNED = Detail("单位「{unit}」没有交回填报表{note}", "请催交后重新计分")

    # --- the scheme workbook (famscore.scheme, famscore.rules) --------------------------------------
    SCHEME_FILE_MISSING = Detail("找不到考评表文件", "请检查路径是否正确")
    SCHEME_UNREADABLE = Detail(
        "无法打开考评表（{error}）", "请确认它是 Excel/WPS 保存的 .xlsx/.xls/.ods 文件，并且没有设置打开密码"
    )
    SCHEME_SHEET_MISSING = Detail(
        "缺少工作表「{wanted}」", "现有工作表：{names}；请添加名为「{wanted}」的工作表"
    )
    SCHEME_SHEET_MISSING_NEAR = Detail(
        "缺少工作表「{wanted}」", "是否是工作表「{near}」？请把它改名为「{wanted}」"
    )
    SCHEME_HEADERS_MISSING = Detail("找不到表头「{missing}」", "第一行应包含表头：{headers}")
    SCHEME_SETTING_UNKNOWN = Detail("不认识的设置项「{key}」", "可用设置项：{accepted}")
    SCHEME_SETTING_TWICE = Detail("设置项「{key}」写了两次", "删除重复的一行")
    SCHEME_SETTING_MISSING = Detail("缺少设置项「{key}」", "在「项目」列写「{key}」，在「内容」列填写")
    SCHEME_YEAR_INVALID = Detail("年度「{text}」不是四位数的年份", "例如 2023")
    SCHEME_DECIMALS_INVALID = Detail("小数位数「{text}」应为 0 到 6 的整数", "通常写 2")
    SCHEME_MAIN_POINTS_INVALID = Detail("主要指标满分「{text}」{why}", "例如 100")
    SCHEME_BONUS_POINTS_INVALID = Detail("附加分满分「{text}」{why}", "没有附加分时写 0")
    SCHEME_BASIS_UNKNOWN = Detail("{key}「{text}」无法识别", "请写「{main}」或「{total}」")
    SCHEME_BAND_NAME_EMPTY = Detail("等级名称为空", "填写等级名称，如 优秀")
    SCHEME_BAND_LOWEST_INVALID = Detail("最低分「{text}」{why}", "填写该等级的最低分（含），最后一档可留空")
    SCHEME_BAND_TWICE = Detail("等级「{name}」重复", "每个等级只写一行")
    SCHEME_BAND_OPEN_NOT_LAST = Detail("等级「{name}」最低分为空，应是最后一档", "最低分为空的等级放在最后")
    SCHEME_BAND_ORDER = Detail(
        "等级顺序不对：「{name}」的最低分 {lowest} 不低于上一档「{previous}」的 {previous_lowest}",
        "等级按最低分从高到低排列",
    )
    SCHEME_CHOICE_WITHOUT_LIST = Detail("选项没有所属列表", "在「列表」列写列表名称")
    SCHEME_CHOICE_TWICE = Detail("列表「{list}」中选项「{choice}」重复", "删除重复项")
    SCHEME_INDICATOR_ID_EMPTY = Detail("编号为空", "每个一级、二级指标都要有唯一编号")
    SCHEME_INDICATOR_ID_TWICE = Detail("编号「{id}」重复（第 {first_row} 行已使用）", "改为唯一编号")
    SCHEME_POINTS_INVALID = Detail("分值「{text}」{why}", "填写该指标的满分")
    SCHEME_INDICATOR_BOTH_LEVELS = Detail(
        "同一行同时写了一级指标和二级指标", "一级指标单独占一行，其下各二级指标各占一行"
    )
    SCHEME_CATEGORY_KIND_UNKNOWN = Detail("计分类别「{kind}」无法识别", "请写「{main}」或「{bonus}」")
    SCHEME_INDICATOR_NAME_EMPTY = Detail("一级指标和二级指标都为空", "填写指标名称，或删除这一行")
    SCHEME_ITEM_WITHOUT_CATEGORY = Detail("二级指标「{name}」前面没有一级指标", "先写一行一级指标")
    SCHEME_ITEM_FLOOR_INVALID = Detail(
        "最低分「{text}」无法识别{why}", "留空表示最低 0 分；写「不限」表示扣分上不封顶、可为负分"
    )
    SCHEME_FIELD_ID_EMPTY = Detail("字段编号为空", "每个字段都要有唯一编号，如 B3_rate")
    SCHEME_FIELD_ID_INVALID = Detail(
        "字段编号「{id}」不能用作编号", "只用字母、汉字、数字和下划线，且不以数字开头，如 B3_完成率"
    )
    SCHEME_FIELD_ID_TWICE = Detail("字段编号「{id}」重复", "改为唯一编号")
    SCHEME_ITEM_ID_UNKNOWN = Detail(
        "指标编号「{id}」在「指标」表中不存在", "请检查拼写，或先在「指标」表中添加该指标"
    )
    SCHEME_ITEM_ID_UNKNOWN_NEAR = Detail("指标编号「{id}」在「指标」表中不存在", "是否想写「{near}」？")
    SCHEME_FIELD_TYPE_UNKNOWN = Detail("字段类型「{type}」无法识别", "可用类型：{accepted}")
    SCHEME_FIELD_RANGE_NOT_ALLOWED = Detail("「{type}」类型的字段不能设最小值/最大值", "清空这两列")
    SCHEME_FIELD_RANGE_NOT_INTEGER = Detail("整数字段的范围应为整数", "改为整数")
    SCHEME_FIELD_RANGE_REVERSED = Detail("最大值 {maximum} 小于最小值 {minimum}", "交换或改正这两个值")
    SCHEME_FIELD_LIST_MISSING = Detail("选项字段没有指定选项列表", "在「选项」列写「选项」表中的列表名")
    SCHEME_FIELD_LIST_UNKNOWN = Detail(
        "选项列表「{list}」在「选项」表中不存在", "请检查拼写，或先在「选项」表中添加该列表"
    )
    SCHEME_FIELD_LIST_UNKNOWN_NEAR = Detail("选项列表「{list}」在「选项」表中不存在", "是否想写「{near}」？")
    SCHEME_FIELD_LIST_UNUSED = Detail(
        "「{type}」类型的字段不使用选项列表", "清空「选项」列，或把类型改为「选项」", WARNING
    )
    SCHEME_FIELD_REQUIRED_UNKNOWN = Detail("必填「{text}」无法识别", "写「是」或「否」，留空表示是")
    SCHEME_FIELD_BOUND_INVALID = Detail("{header}「{text}」{why}", "填写数值或留空")
    SCHEME_RULE_KIND_UNKNOWN = Detail("不认识的规则类型「{kind}」", "可用规则类型：{accepted}")
    SCHEME_CATEGORY_EMPTY = Detail("一级指标「{name}」下没有二级指标", "在其下方添加二级指标行")
    SCHEME_CATEGORY_POINTS_MISMATCH = Detail(
        "一级指标「{name}」分值为 {points}，但其二级指标合计 {total}",
        "改正一级指标分值或二级指标分值，使两者相等",
    )
    SCHEME_MAIN_POINTS_MISMATCH = Detail(
        "主要指标满分为 {points}，但「主要」一级指标合计 {total}",
        "改正「设置」表的主要指标满分，或各一级指标的分值",
    )
    SCHEME_BONUS_POINTS_MISSING = Detail(
        "有附加分指标（合计 {total} 分），但没有写附加分满分",
        "已按 {total} 分封顶；可在「设置」表写「附加分满分」",
        WARNING,
    )
    SCHEME_BONUS_POINTS_UNUSED = Detail(
        "写了附加分满分，但没有计分类别为「附加」的一级指标", "检查「指标」表的计分类别", WARNING
    )
    SCHEME_BAND_ABOVE_MAXIMUM = Detail("等级「{name}」的最低分 {lowest} 超过可能的最高分", "改正最低分")
    SCHEME_ITEM_WITHOUT_RULES = Detail(
        "二级指标「{name}」（{id}）没有计分规则", "在「规则」表为 {id} 添加至少一行规则"
    )
    SCHEME_FIELD_UNUSED = Detail(
        "字段「{id}」没有被任何规则使用，填报后不影响得分", "如果它只是备注，可把类型改为「文本」", WARNING
    )
    SCHEME_RULES_UNBOUNDED = Detail(
        "「{name}」（{id}）的规则得分没有上限，得分将按本项分值 {points} 封顶",
        "为计次加分写「上限」，或为字段写最大值",
        WARNING,
    )
    SCHEME_RULES_ABOVE_POINTS = Detail(
        "「{name}」（{id}）本项分值 {points}，但规则（第 {rows} 行）最多可得 {most} 分；超出部分将按 {points} 分封顶",
        "核对评分标准：改正「指标」表第 {indicator_row} 行的分值，或规则中的得分",
        WARNING,
    )
    SCHEME_RULES_BELOW_POINTS = Detail(
        "「{name}」（{id}）本项分值 {points}，但规则（第 {rows} 行）最多只能得 {most} 分",
        "核对评分标准与规则是否一致",
        WARNING,
    )
    SCHEME_READING_UNKNOWN = Detail(
        "读法「{reading}」无法识别",
        "百分比字段可写「{as_typed}」（0.8 读作 0.8%）或「{fraction}」（0.8 读作 80%），或留空",
    )
    SCHEME_READING_NOT_PERCENT = Detail(
        "只有百分比字段能写读法",
        "百分比字段可写「{as_typed}」（0.8 读作 0.8%）或「{fraction}」（0.8 读作 80%），或留空",
    )
    # A rule row's parameters, as the rule kind words them (famscore.rules: RuleSpecError).
    SCHEME_RULE_INVALID = Detail("{message}", "{fix}")
    RULE_PARAM_NO_EQUALS = Detail("参数「{entry}」缺少等号", "请写成 名称=值，可用名称：{accepted}")
    RULE_PARAM_UNKNOWN = Detail("不认识的参数「{key}」", "可用参数：{accepted}")
    RULE_PARAM_TWICE = Detail("参数「{key}」写了两次", "每个参数只写一次")
    RULE_PARAM_MISSING = Detail("缺少参数「{key}」", "请在参数中写 {key}=数值")
    RULE_PARAM_NOT_NUMBER = Detail("参数「{key}={raw}」{why}", "请写成 {key}=数值")
    RULE_PARAM_NOT_POSITIVE = Detail("参数「{key}={raw}」应大于 0", "扣分、步长等参数请写正数")
    RULE_FIELDS_MISSING = Detail("「{kind}」规则需要填写字段编号", "在「字段」列写本规则读取的字段编号")
    RULE_FIELDS_TOO_MANY = Detail("「{kind}」规则只能读取 {most} 个字段", "多余的字段请拆成另一行规则")
    RULE_FIELD_UNKNOWN = Detail(
        "字段「{id}」在「字段」表中不存在", "请检查拼写，或先在「字段」表中添加该字段"
    )
    RULE_FIELD_UNKNOWN_NEAR = Detail("字段「{id}」在「字段」表中不存在", "是否想写「{near}」？")
    RULE_FIELD_TYPE = Detail(
        "字段「{id}」的类型是「{type}」，「{kind}」规则需要{accepted}类型", "请改字段类型或换用合适的规则类型"
    )
    RULE_OUTCOME_UNKNOWN = Detail(
        "得分「{text}」既不是数值也不是字段编号", "请检查拼写，或先在「字段」表中添加该字段"
    )
    RULE_OUTCOME_UNKNOWN_NEAR = Detail("得分「{text}」既不是数值也不是字段编号", "是否想写「{near}」？")
    RULE_OUTCOME_FIELD_UNBOUNDED = Detail(
        "评定字段「{text}」须为带最大值的数值字段", "在「字段」表写明它的最大值"
    )
    RULE_TIER_CONDITION_UNKNOWN = Detail("档位条件「{text}」无法识别", "请写成 ≥95、<80、90-94 或 其他")
    RULE_TIER_NUMBER_UNKNOWN = Detail("档位条件「{text}」中的数值无法识别", "请写成 ≥95 这样的形式")
    RULE_MEASURE_MISSING = Detail(
        "「{kind}」规则需要填写字段编号或算式", "例如 B3_rate，或 托位总数/总人口*1000"
    )
    RULE_FULL_READS_NO_FIELD = Detail("「满分」规则不读取字段", "请清空「字段」列")
    RULE_SCORE_FIELD_UNBOUNDED = Detail(
        "评分字段「{id}」没有最大值", "在「字段」表写明最大值（本部分的满分）"
    )
    RULE_TIER_RANGE_INVALID = Detail("档位「{text}」的区间不对", "区间写成 小-大，例如 90-94")
    RULE_TIERS_MISSING = Detail("分档规则没有写档位", "例如 ≥95:8；≥90:6；其他:0")
    RULE_DEDUCTION_MODE_MISSING = Detail(
        "没有写明扣分方式",
        "请写 方式=按比例（差 0.5 扣一半）、方式=按整档（满一档才扣）或 方式=一次性（未达标扣一次）",
    )
    RULE_DEDUCTION_MODE_UNKNOWN = Detail(
        "扣分方式「{mode}」无法识别",
        "请写 方式=按比例（差 0.5 扣一半）、方式=按整档（满一档才扣）或 方式=一次性（未达标扣一次）",
    )
    RULE_TIER_OTHER_MISSING = Detail("分档缺少「其他」档：不在任何档位的数值得几分？", "在末尾加上「其他:0」")
    RULE_TIER_GAP = Detail(
        "档位之间有空档：{low} 与 {high} 之间的数值不落在任何档（会按「其他」计分）",
        "用下限写档位（如 ≥95:8；≥90:6），或让区间首尾相接",
    )
    RULE_LEVEL_CHOICES_MISSING = Detail(
        "选项「{missing}」没有对应得分", "为每个选项写得分，或加「其他:分值」"
    )
    RULE_DEDUCTION_FIELD_MINIMUM = Detail(
        "扣分字段「{id}」的最小值应为 0", "扣分填正数，在「字段」表写最小值 0"
    )
    RULE_DEADLINES_MISSING = Detail("期限扣分规则没有写期限", "例如 2024-04-30:1.5；2024-07-31:1.5")
    RULE_DEADLINES_ORDER = Detail("期限应按日期从早到晚写", "调整期限的先后顺序")
    EXPRESSION_TOO_LONG = Detail(
        "算式「{text}」过长（{length} 个字符，最多 {most} 个）", "算式只能用字段编号、数字、+ - × ÷ 和括号"
    )
    EXPRESSION_UNREADABLE = Detail("算式「{text}」无法识别", "算式只能用字段编号、数字、+ - × ÷ 和括号")
    EXPRESSION_TOO_DEEP = Detail(
        "算式「{text}」嵌套过深（超过 {most} 层）", "算式只能用字段编号、数字、+ - × ÷ 和括号"
    )
    EXPRESSION_NUMBER_REFUSED = Detail(
        "算式「{text}」中的数 {number} {why}", "算式只能用字段编号、数字、+ - × ÷ 和括号"
    )
    EXPRESSION_NOT_ALLOWED = Detail(
        "算式「{text}」只能包含字段编号、数字、+ - × ÷、括号和 min/max",
        "算式只能用字段编号、数字、+ - × ÷ 和括号",
    )
    RULE_FIELD_NOT_NUMERIC = Detail(
        "字段「{name}」不是数值类型，不能参与计算", "数值/整数/百分比/评分类型才能参与计算"
    )
    RULE_TIER_NO_COLON = Detail("第 {n} 档「{entry}」缺少冒号", "每档写成 条件:得分，例如 ≥95:8")
    RULE_TIER_NEVER_HIT = Detail(
        "第 {n} 档「{condition}」与前面的档位重叠，永远不会命中",
        "检查档位顺序：≥ 档从高到低写，≤ 档从低到高写",
    )
    RULE_LEVEL_NO_COLON = Detail("「{entry}」缺少冒号", "每项写成 选项:得分，例如 全面实施:6")
    RULE_LEVEL_TWICE = Detail("选项「{choice}」写了两次", "每个选项只写一次")
    RULE_LEVEL_NOT_A_CHOICE = Detail("「{choice}」不在字段「{id}」的选项中", "可选：{accepted}")
    RULE_DEADLINE_AMOUNT_INVALID = Detail("期限「{entry}」的扣分无法识别", "每个期限写成 2024-04-30:1.5")
    RULE_TIER_OTHER_NOT_LAST = Detail("「其他」档必须写在最后", "把「其他:…」移到末尾")
    RULE_TIER_OVERLAP = Detail(
        "第 {n} 档「{condition}」与第 {previous_n} 档「{previous}」重叠", "区间不能重叠，例如 1-3、4-7、8-10"
    )
    RULE_DEADLINE_DATE_INVALID = Detail("期限「{entry}」的日期无法识别", "每个期限写成 2024-04-30:1.5")

    # --- the scheme workbook: templates, roster, entry sheet (templates, units, entry_sheet) ------
    UNITS_FILE_MISSING = Detail("找不到单位名单文件 {path}")
    UNITS_FILE_KIND_UNKNOWN = Detail(
        "单位名单 {file} 的格式无法识别", "请用 .txt（每行一个单位）或 .xlsx（第一列为单位名称）"
    )
    UNITS_DUPLICATE = Detail(
        "单位名单 {file} 第 {line} 行：单位「{name}」重复（第 {first_line} 行已有{as_written}）",
        "请删除重复的一行",
    )
    UNITS_EMPTY = Detail("单位名单 {file} 中没有单位名称", "请每行写一个单位")
    UNITS_ENCODING_UNKNOWN = Detail("单位名单 {file} 的文字编码无法识别", "请另存为 UTF-8 编码的文本文件")
    UNITS_BOOK_UNREADABLE = Detail("单位名单 {file}：{why}", "{fix}")
    TEMPLATE_UNIT_NOT_A_FILE_NAME = Detail("单位名称「{unit}」不能用作文件名")
    TEMPLATE_SAME_FILE_NAME = Detail("单位「{unit}」和「{other}」会生成同名文件 {name}", "请改正单位名称")
    TEMPLATE_FOLDER_NOT_MADE = Detail("无法建立文件夹「{folder}」（{reason}）")
    # The entry-sheet contract as the reader finds it (famscore.entry_sheet).
    RETURN_ENTRY_SHEET_WITHOUT_HEADER_OTHER_USED = Detail(
        "工作表「{named}」中没有表头「{key}」和「{value}」，已改用有这两个表头的工作表「{sheet_used}」",
        "请核对这张工作表就是填报表；以后请不要改动工作表名称和表头（应为「{entry}」）",
        WARNING,
    )
    RETURN_ENTRY_SHEET_RENAMED = Detail(
        "找不到工作表「{entry}」，已改用有这两个表头的工作表「{sheet_used}」",
        "请核对这张工作表就是填报表；以后请不要改动工作表名称和表头（应为「{entry}」）",
        WARNING,
    )
    RETURN_ENTRY_SHEET_AMBIGUOUS = Detail(
        "找不到有表头「{key}」和「{value}」的工作表「{entry}」，而工作表 {listed} 都有这样的表头，"
        "无法确定用哪一张，本文件未计分",
        "请把要计分的那张工作表改名为「{entry}」，删除其余的",
    )
    RETURN_ENTRY_HEADER_MISSING = Detail(
        "找不到表头「{key}」和「{value}」，本文件未计分", "请不要删除或改动填报表的表头行"
    )
    RETURN_ENTRY_SHEET_MISSING = Detail(
        "找不到工作表「{entry}」，本文件未计分", "现有工作表：{names}；请添加名为「{entry}」的工作表"
    )
    RETURN_ENTRY_SHEET_MISSING_NEAR = Detail(
        "找不到工作表「{entry}」，本文件未计分", "是否是工作表「{near}」？请把它改名为「{entry}」"
    )

    # --- outputs (famscore.outputs) ----------------------------------------------------------------
    OUTPUT_TEXT_CLEANED = Detail("文字「{text}」{note}{more}", "", WARNING)

    # --- the command line (famscore.cli) -----------------------------------------------------------

    @property
    def code(self) -> str:
        return self.name

    @property
    def detail(self) -> Detail:
        detail: Detail = self.value
        return detail

    def render(self, **fields: Any) -> tuple[str, str]:
        """The message and fix with `fields` filled in."""
        detail = self.detail
        return detail.text.format(**fields), detail.fix.format(**fields)

    def problem(
        self,
        file: str = "",
        sheet: str = "",
        row: int | None = None,
        column: int | None = None,
        *,
        cell: str = "",
        severity: Severity | None = None,
        **fields: Any,
    ) -> Problem:
        """A located Problem of this kind. `cell` only where the place is not one cell ('A1:B3')."""
        text, fix = self.render(**fields)
        return Problem(
            file,
            sheet,
            cell,
            severity or self.detail.severity,
            text,
            fix,
            code=self.name,
            row=row,
            column=column,
        )


def catalogue_markdown() -> str:
    """docs/problem-codes.md: every code with its severity, message and fix."""
    lines = [
        "# 问题代码",
        "",
        "famscore 报告的每一种问题都有一个固定的代码（JSON 的 `problems[].code`、汇总表「问题」页）。",
        "本页由 `python -m famscore.messages` 生成，请勿手改。花括号中的内容在报告时换成具体的值。",
        "",
        "| 代码 | 级别 | 问题 | 改法 |",
        "|---|---|---|---|",
    ]
    for member in Msg:
        detail = member.detail
        cells = (member.name, str(detail.severity), detail.text, detail.fix or "—")
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(catalogue_markdown(), end="")
