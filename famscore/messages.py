"""Every sentence famscore says to a user about a problem, once: a code, the text, the fix and how bad."""

# A member's name is its stable code (in the JSON, the 问题 sheet and docs/problem-codes.md); its text and
# fix are templates filled with the problem's particulars::
#
#     problems.append(Msg.RETURN_NOT_SPREADSHEET.problem(file, kind="PDF"))
#
# Members are grouped by the stage that reports them; add new ones to the end of their group. Two members
# must never have the same text, fix and severity (an Enum would make the second an alias of the first):
# tests/test_messages.py checks that, and that docs/problem-codes.md is current.

from __future__ import annotations

from enum import Enum
from string import Formatter
from typing import Any, NamedTuple

from famscore.errors import ERROR, SCHEME_UNUSABLE, WARNING, Problem, Severity
from famscore.numbers import (
    POINT_FIX,
    WHY_DECIMAL_COMMA,
    WHY_INVALID,
    WHY_NOT_A_NUMBER,
    WHY_OUT_OF_RANGE,
    WHY_SEPARATOR,
)

# Fixes several messages share.
RESAVE = "请用 Excel 或 WPS 打开后另存为 .xlsx 再发回"
RESEND = "请让该单位重新发送原文件"
# What the reader says about a file it refuses, and about a value it cannot score.
NOT_SCORED = "，本文件未计分"
VALUE_NOT_SCORED = "，本项暂不计分"
_BOMB_FIX = "请确认文件来源；正常的填报表只有几百 KB"
_RANGE_FIX = "请删除表格中多余的行和列（或多余的内容）后另存，或让该单位重新发送原填报表"
_PASSWORD_FIX = "请让该单位去掉打开密码（Excel：文件→信息→保护工作簿→用密码进行加密，清空密码；WPS：文件→文档加密）后重新发送"
_NOT_EXCEL = "这不是 Excel/WPS 表格文件"
# A number refused for its field: what to type, with the field's range and percent rule (famscore.values).
_RANGE_HINT = "请填写{kind}{range}{rule}"
_DATE_FIX = "请填写日期，如 2024-08-15；从未完成的填「{never}」"
_REFORMAT = "请把单元格格式改为“常规”，再填写数值"


def _value(text: str) -> str:
    """A value's message as the reader reports it: the field first, then that it is not scored."""
    return "{label}：" + text + VALUE_NOT_SCORED


_RESAVE = "请用 Excel 或 WPS 打开后另存为 .xlsx 再发回"
_RELINK = "请把链接指向的回表文件本身复制到这里，替换这个链接"


class Detail(NamedTuple):
    """One message: what is wrong, what to do about it, and how bad it is."""

    text: str
    fix: str = ""
    severity: Severity = ERROR


class Msg(Enum):
    """The catalogue. Placeholders in braces are filled by `problem(...)` / `render(...)`."""

    # --- the returns folder (famscore.batch.folder) ----------------------------------------------------
    FOLDER_UNREADABLE = Detail(
        "无法打开这个文件夹（{reason}），其中的回表都没有读取",
        "请检查文件夹的访问权限，或把其中的文件复制到可以打开的文件夹后重新运行",
    )
    FOLDER_ENTRY_UNREADABLE = Detail("无法读取（{reason}），没有计分", "请检查文件的访问权限")
    FOLDER_LINK_BROKEN = Detail("这是一个链接，但它指向的文件或文件夹不存在，没有读取", _RELINK)
    FOLDER_LINK_LOOP = Detail("这是一个循环链接（最终指回它自己），无法读取", _RELINK)
    FOLDER_LINK_UNREADABLE = Detail("这是一个无法打开的链接（{reason}），没有读取", _RELINK)
    FOLDER_NOT_A_FILE = Detail(
        "这不是普通文件（可能是设备、管道或套接字），没有读取", "请把回表文件本身放进来"
    )
    FOLDER_LOCK_FILE = Detail("这是 Office/WPS 打开文件时留下的临时锁文件，已跳过", "", WARNING)
    FOLDER_SYSTEM_FILE = Detail("这是 Windows/macOS 自动生成的系统文件，已跳过", "", WARNING)
    FOLDER_OFFICE_TEMP_FILE = Detail(
        "这是 Excel/WPS 保存时留下的临时文件，已跳过",
        "如果这其实是某个单位的回表，请改成正常的文件名（如 单位名称.xlsx）",
        WARNING,
    )
    FOLDER_HIDDEN_FILE = Detail(
        "这是隐藏文件，没有读取",
        "如果是回表，请取消隐藏（去掉文件名开头的「.」）后重新运行；如果不是，请把它移出回表文件夹",
    )
    ARCHIVE_NOT_READ = Detail("这是压缩包，其中的文件没有读取", "解压后再放入回表文件夹")
    FOLDER_SHORTCUT = Detail(
        "这是 Windows 快捷方式，famscore 不会打开它指向的文件", "请把快捷方式指向的回表文件本身复制到这里"
    )
    FOLDER_SYSTEM_FOLDER = Detail("这是 Windows/macOS 自动生成的系统文件夹，已跳过", "", WARNING)
    FOLDER_HIDDEN_FOLDER = Detail(
        "这是隐藏文件夹，其中的文件都没有读取",
        "如果其中有回表，请取消隐藏（去掉文件夹名开头的「.」）后重新运行；如果没有，请把它移出回表文件夹",
    )
    FOLDER_LINK_TO_ANCESTOR = Detail("这个文件夹链接指回它的上级文件夹，形成循环，没有读取", "请删除这个链接")
    FOLDER_SEEN_BEFORE = Detail("这个文件夹链接指向已经读过的文件夹，没有重复读取", "", WARNING)

    # --- return files (famscore.returns, famscore.safety) -------------------------------------------
    RETURN_NO_PERMISSION = Detail("无法读取文件" + NOT_SCORED, "请检查文件权限")
    RETURN_CANNOT_READ = Detail("无法读取文件" + NOT_SCORED, "请检查文件权限，或关闭正在使用它的程序")
    RETURN_EMPTY = Detail("文件是空的（0 字节）" + NOT_SCORED, "请让该单位重新发送")
    RETURN_TOO_LARGE = Detail("文件过大（{megabytes} MB），不像是填报表" + NOT_SCORED, "请确认文件来源")
    RETURN_EXCEL_2003_XML = Detail("这是 Excel 2003 XML 格式的表格，无法直接读取" + NOT_SCORED, RESAVE)
    RETURN_RENAMED = Detail(_NOT_EXCEL + "：内容是{what}，可能是改了扩展名" + NOT_SCORED, RESAVE)
    RETURN_UNKNOWN_CONTENT = Detail(_NOT_EXCEL + "（可能是改了扩展名的其他文件）" + NOT_SCORED, RESAVE)
    RETURN_OTHER_DOCUMENT = Detail(_NOT_EXCEL + "：内容是{what}" + NOT_SCORED, RESAVE)
    RETURN_PASSWORD = Detail("文件设置了打开密码，无法读取" + NOT_SCORED, _PASSWORD_FIX)
    RETURN_TOO_MANY_PARTS = Detail(
        "文件包含 {count} 个内部部件，不像是填报表，已拒绝读取" + NOT_SCORED, _BOMB_FIX
    )
    RETURN_ZIP_BOMB = Detail("文件解压后异常巨大（疑似“压缩炸弹”），已拒绝读取" + NOT_SCORED, _BOMB_FIX)
    RETURN_DTD = Detail("文件中含有不安全的 XML 声明（DTD/实体），已拒绝读取" + NOT_SCORED, RESAVE)
    RETURN_SHEET_TOO_LARGE = Detail(
        "这张工作表的使用范围异常巨大（{used}），不像是填报表，已拒绝读取" + NOT_SCORED, _RANGE_FIX
    )
    RETURN_PART_TOO_LARGE = Detail(
        "表格部件 {part} 的使用范围异常巨大（{used}），不像是填报表，已拒绝读取" + NOT_SCORED, _RANGE_FIX
    )
    RETURN_CELL_LIMIT = Detail("表格的使用范围异常巨大，不像是填报表，已拒绝读取" + NOT_SCORED, _RANGE_FIX)
    RETURN_DAMAGED = Detail("文件已损坏或不完整（可能下载中断）" + NOT_SCORED, RESEND)
    RETURN_DAMAGED_OR_OLD = Detail(
        "文件已损坏，或设置了打开密码，或是无法识别的旧版格式（{error}）" + NOT_SCORED,
        "请去掉打开密码，用 Excel 或 WPS 另存为 .xlsx 后发回；打不开时" + RESEND,
    )
    RETURN_UNPARSABLE = Detail("文件已损坏，无法读取（{error}）" + NOT_SCORED, RESEND)
    RETURN_OUT_OF_MEMORY = Detail("读取时内存不足（文件内容异常庞大），本文件未计分", _RESAVE)
    RETURN_READ_FAILED = Detail("读取时出错（{error}），本文件未计分", _RESAVE)
    RETURN_READER_CRASHED = Detail(
        "读取该文件时读取程序异常退出（文件可能已损坏或含有恶意内容），本文件未计分", _RESAVE
    )
    RETURN_READ_TIMED_OUT = Detail("读取该文件超过 {seconds} 秒仍未完成，已停止，本文件未计分", _RESAVE)
    RETURN_NOT_SPREADSHEET = Detail("不是表格文件{what}，已跳过", "", WARNING)
    RETURN_WRONG_SUFFIX = Detail(
        "文件扩展名「{suffix}」不是表格文件的扩展名，已按内容作为 .{kind} 文件读取",
        "请把文件名的扩展名改为 .{kind}",
        WARNING,
    )
    RETURN_UNIT_FROM_FILE_NAME = Detail(
        "{where}，按文件名认定为「{unit}」",
        "请确认单位名称正确；以后请用 famscore template 生成的填报表填写",
        WARNING,
    )
    RETURN_OTHER_SCHEME = Detail(
        "这份回表来自另一份考评表「{title}」，不是「{scheme}」，暂不参加定级和排名",
        "请确认发错了文件，或用正确的考评表计分",
    )
    RETURN_OTHER_YEAR = Detail(
        "这份回表来自 {year} 年度的考评表，当前考评表是 {current} 年度，暂不参加定级和排名",
        "请确认发错了文件（例如去年的回表），或让该单位用今年的填报表重新填写",
    )
    RETURN_OTHER_VERSION = Detail(
        "这份回表来自考评表版本 {version}，当前考评表是版本 {current}，暂不参加定级和排名",
        "请让该单位用新版填报表重新填写，或核对两版的差别",
    )
    RETURN_SCHEME_CHANGED = Detail(
        "考评表的标题和版本相同，但内容有改动（指纹不同）",
        "如改动了字段或规则，请核对这份回表的填报内容",
        WARNING,
    )
    RETURN_UNKNOWN_FIELD = Detail(
        "字段编号「{key}」不在考评表中，已忽略", "请不要改动字段编号；多出的行可以删除", WARNING
    )
    RETURN_MORE_UNKNOWN_FIELDS = Detail(
        "另有 {count} 行的字段编号也不在考评表中，已忽略", "请用最新的填报表重新填写", WARNING
    )
    RETURN_FIELD_TWICE = Detail("字段「{key}」出现了两次（另一处在 {other}），两处都不采用", "删除重复的一行")
    RETURN_FIELD_ROW_MISSING = Detail(
        "填报表中没有字段「{label}」（{id}）这一行，本项暂不计分", "请用最新的填报表重新填写，不要删除行"
    )
    RETURN_VALUE_MERGED_AWAY = Detail(
        "{label}：单元格 {address} 被合并到 {into}（合并区域 {span}），读不到本项的值，本项暂不计分",
        "请取消合并单元格，在每一项的「填报值」中分别填写",
    )
    RETURN_VALUE_MERGED_DOWN = Detail(
        "{label}：单元格 {address} 与下方的填报值合并了（合并区域 {span}），其中的值只算作本项",
        "请取消合并单元格，在每一项的「填报值」中分别填写",
        WARNING,
    )
    RETURN_FORMULA_ERROR = Detail(
        "{label}：单元格是错误值「{error}」（公式算不出结果），本项暂不计分", "请改正公式，或直接填写数值"
    )
    RETURN_FORMULA_NO_RESULT = Detail(
        "{label}：单元格是{formula}，但文件里没有保存它的计算结果，本项暂不计分",
        "请用 Excel 或 WPS 打开这份表，确认公式算出结果后保存再发回，或直接填写数值",
    )
    RETURN_REQUIRED_BLANK = Detail("{label}是必填项，但没有填写，本项暂不计分", "请补填后重新计分")
    RETURN_REQUIRED_BLANK_NO_FORMULAS = Detail(
        "{label}是必填项，但没有填写，本项暂不计分",
        "请补填后重新计分（如果单元格里是公式或显示错误值，请改为直接填写数值）",
    )

    # --- values in returns (famscore.values) --------------------------------------------------------
    VALUE_NO_RESULT = Detail(_value("单元格是错误值或没有计算结果的公式"), "请填写数值本身，不要用公式")
    VALUE_ERROR_CELL = Detail(_value("单元格是错误值「{text}」"), "请改正公式或直接填写数值")
    VALUE_UNKNOWN_TYPE = Detail(_value("未知字段类型「{type}」"))
    VALUE_LOGICAL = Detail(_value("应填数值，却是逻辑值"), "请填写数值")
    VALUE_DATE_CELL = Detail(
        _value("单元格是日期/时间格式（显示为 {shown}），本项应填数值"),
        "请把单元格格式改为“常规”，再重新填写数值",
    )
    VALUE_NOT_A_NUMBER = Detail(_value("「{typed}」" + WHY_NOT_A_NUMBER), _RANGE_HINT)
    VALUE_INVALID_NUMBER = Detail(_value("「{typed}」" + WHY_INVALID), _RANGE_HINT)
    VALUE_BEYOND_FORMAT = Detail(_value("「{typed}」" + WHY_OUT_OF_RANGE), _RANGE_HINT)
    VALUE_DECIMAL_COMMA = Detail(_value("「{typed}」" + WHY_DECIMAL_COMMA), POINT_FIX)
    VALUE_SEPARATOR = Detail(_value("「{typed}」" + WHY_SEPARATOR), _RANGE_HINT)
    VALUE_SEPARATOR_OR_POINT = Detail(_value("「{typed}」" + WHY_SEPARATOR), POINT_FIX)
    VALUE_WRONG_UNIT = Detail(
        _value("填写的「{typed}」单位是 {typed_unit}，本项的单位是 {unit}"), "请换算成 {unit} 后只填写数值"
    )
    VALUE_PERCENT_CELL_IN_UNIT = Detail(
        _value("单元格是百分比格式（显示为 {shown}%），本项单位是 {unit}"), _REFORMAT + "（单位 {unit}）"
    )
    VALUE_PERCENT_CELL_NOT_PERCENT = Detail(
        _value("单元格是百分比格式（显示为 {shown}%），本项不是百分比"), _REFORMAT
    )
    VALUE_SCALED_BEYOND_FORMAT = Detail(_value("{number} " + WHY_OUT_OF_RANGE), _RANGE_HINT)
    VALUE_NOT_INTEGER = Detail(_value("「{number}」不是整数"), "人次、件数、名次等请填写整数")
    VALUE_BELOW_MINIMUM = Detail(_value("{number} 小于最小值 {minimum}"), _RANGE_HINT)
    VALUE_ABOVE_MAXIMUM = Detail(_value("{number} 超过最大值 {maximum}"), _RANGE_HINT)
    VALUE_PERCENT_CELL_BELOW_MINIMUM = Detail(
        _value("单元格是百分比格式，显示为 {number}%，小于最小值 {minimum}"), _RANGE_HINT
    )
    VALUE_PERCENT_CELL_ABOVE_MAXIMUM = Detail(
        _value("单元格是百分比格式，显示为 {number}%，超过最大值 {maximum}"), _RANGE_HINT
    )
    VALUE_PERCENT_AMBIGUOUS = Detail(
        _value("填写的 {typed} 可以读作 {typed}% 也可以读作 {scaled}%，无法确定"),
        "填 {scaled} 表示 {scaled}%，或填 {typed}% 表示 {typed}%",
    )
    VALUE_PERCENT_AMBIGUOUS_OLD_FORMAT = Detail(
        _value("填写的 {typed} 可以读作 {typed}% 也可以读作 {scaled}%，无法确定"),
        "请把文件另存为 .xlsx 后发回（.xls/.ods 文件读不出单元格的百分比格式），或填 {scaled} 表示 {scaled}%",
    )
    VALUE_NOT_YES_NO = Detail(_value("「{typed}」不是“是/否”"), "请填写 是 或 否（也可填 有/无、√/×、Y/N）")
    VALUE_NOT_A_CHOICE = Detail(_value("「{typed}」不是可选项"), "请从下拉列表中选择：{choices}")
    VALUE_DATE_OUT_OF_RANGE = Detail(
        _value("日期 {day} 不在合理范围（{low}～{high} 年）内"),
        "日期格式的单元格里填数字（如 1）会显示成 1900 年前后的日期；" + _DATE_FIX,
    )
    VALUE_TIME_NOT_DATE = Detail(_value("单元格是时间格式（显示为 {shown}），不是日期"), _DATE_FIX)
    VALUE_NOT_A_DATE = Detail(_value("「{typed}」不是日期"), _DATE_FIX)

    # --- the batch: identity, duplicates, roster (famscore.scoring, famscore.batch) -----------------
    UNIT_NOT_RETURNED = Detail("单位「{unit}」没有交回填报表{note}", "请催交后重新计分")
    UNIT_RETURNED_TWICE = Detail(
        "单位「{unit}」有 {count} 份回表（{files}），无法确定采用哪一份，暂不参加定级和排名",
        "请只保留该单位的一份回表，删除或移走其余的文件后重新计分",
    )
    UNIT_NOT_ON_ROSTER = Detail(
        "单位「{unit}」不在单位名单中，暂不参加定级和排名", "请核对单位名称，或把它加入单位名单"
    )
    UNIT_ROSTER_TYPO = Detail(
        "单位名单中的「{roster_name}」可能是「{unit}」的笔误：名单上的「{roster_name}」没有交回填报表，"
        "回表中的「{unit}」不在名单中，暂不参加定级和排名",
        "如果是同一个单位，请把单位名单中的「{roster_name}」改为「{unit}」后重新计分；"
        "如果不是，请催交「{roster_name}」的填报表",
    )
    UNIT_INCOMPLETE = Detail(
        "「{unit}」有 {count} 项无法计分（{items}{more}），不参加定级和排名",
        "改正上面列出的填报问题后重新计分",
    )
    RETURN_NAMES_OTHER_UNIT = Detail(
        "_meta 中的单位是「{unit}」，文件名却是「{name}」的，无法确定这份回表属于哪个单位，暂不参加定级和排名",
        "如果这是「{unit}」的回表，请把文件改名为该单位的名称；如果是「{name}」的，请让它用自己的填报表重新填写",
    )
    ITEM_NOT_SCORED_BLANK = Detail("「{item}」（{id}）{explanation}{named}", "请补填{blank}后重新计分")
    ITEM_NOT_SCORED = Detail(
        "「{item}」（{id}）{explanation}{named}",
        "请核对这些填报值（除数不能为 0）；确为 0 时，请与考评表制定部门确认本项如何计分",
    )
    # Both parties merged (famscore.merge, famscore.scoring): each field from its filler.
    MERGE_REVIEW_MISSING = Detail(
        "没有收到「{department}」的评分表{note}，它评定的 {items}对所有单位暂不计分（待定）",
        "请「{department}」用 famscore template 生成的评分表填写，放进回表文件夹（或 --reviews 指定的文件夹）后重新计分",
    )
    MERGE_REVIEW_BLANK = Detail(
        "「{unit}」的{label}在评分表中没有填，「{item}」暂不计分",
        "请「{department}」在这一格补填后重新计分",
    )
    MERGE_REVIEW_CONFLICT = Detail(
        "「{department}」的两份评分表对「{unit}」的{label}填得不同：{here}，{there}；本项暂不计分",
        "请与「{department}」确认以哪一份为准，只保留那一份（或把两份改成一致）后重新计分",
    )
    MERGE_REVIEW_MORE_CONFLICTS = Detail(
        "与「{department}」的另一份评分表还有 {count} 处不同（未逐一列出），这些格的本项都暂不计分",
        "请与「{department}」确认以哪一份为准，只保留那一份后重新计分",
    )
    MERGE_REVIEW_UNIT_NOT_ON_ROSTER = Detail(
        "评分表中的单位「{unit}」不在单位名单中，这一行没有采用",
        "请核对单位名称，改成与单位名单一致的写法，或把它加入单位名单",
    )
    MERGE_REVIEW_UNIT_NO_RETURN = Detail(
        "评分表中有单位「{unit}」，但没有收到它的回表，这一行没有计分",
        "请核对单位名称是否与它的回表一致，或催交它的回表",
        WARNING,
    )
    MERGE_REVIEW_UNITS_MISSING = Detail(
        "「{department}」的评分表中没有 {count} 个单位的行（{units}{more}），这些单位的 {items}暂不计分",
        "请「{department}」为这些单位补上评分（用 famscore template 重新生成的评分表含全部单位）",
    )
    MERGE_RETURN_DEPARTMENT_FIELDS = Detail(
        "回表中填了由考核部门评定的{labels}：以考核部门的评分表为准，回表中填的值没有采用",
        "这是旧版填报表，单位不必再填这些项；请改用 famscore template 新生成的填报表",
        WARNING,
    )

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
    SCHEME_CATEGORY_KIND_UNKNOWN = Detail("计分类别「{kind}」无法识别", "请写「{main}」或「{bonus}」")
    SCHEME_INDICATOR_NAME_EMPTY = Detail("一级指标和二级指标都为空", "填写指标名称，或删除这一行")
    SCHEME_ITEM_WITHOUT_CATEGORY = Detail(
        "二级指标「{name}」前面没有一级指标", "先写一行一级指标，或在本行「一级指标」列写上它所属的一级指标"
    )
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
    SCHEME_FILLER_AMBIGUOUS = Detail(
        "字段「{id}」由考核部门评定，但指标「{name}」有多个考核部门（{departments}），没有写明由哪个部门填写",
        "在「字段」表本行的「填报方」列写其中一个部门，如「{first}」；由单位自己填写的写「单位」",
    )
    SCHEME_FILLER_NOT_DEPARTMENT = Detail(
        "字段「{id}」的填报方「{filler}」不是指标「{name}」的考核部门（{departments}）",
        "确认由该部门填写；如是笔误，请改为考核部门之一，或写「单位」",
        WARNING,
    )
    SCHEME_SELF_ASSESSMENT_INVALID = Detail("自评「{text}」无法识别", "写「是」或「否」，留空表示否")
    SCHEME_FILLER_SEVERAL = Detail(
        "字段「{id}」的填报方「{filler}」写了多个部门，一个字段只能由一个部门填写",
        "在「填报方」列只写一个部门，如「{first}」；其他部门的意见由该部门汇总，可在本行「说明」列注明",
    )
    SCHEME_FILLER_LEVEL_SPLIT = Detail(
        "字段「{id}」（选档）由「{filler}」填写，但选“其他”时的评定分「{judged}」由「{judged_by}」填写",
        "档次如由考核部门评定，请在本行「填报方」写「{judged_by}」，让档次和评定分由同一方填写；"
        "档次如是单位自己的事实（如名次），可不改",
        WARNING,
    )
    SCHEME_NO_ITEMS = Detail(
        "「指标」表中没有任何二级指标，这份考评表还不能计分",
        "请在「指标」表写一级指标行，并在其下方写各二级指标行（编号、名称、分值、评分标准）",
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
        "单位名单 {roster} 的格式无法识别", "请用 .txt（每行一个单位）或 .xlsx（第一列为单位名称）"
    )
    UNITS_DUPLICATE = Detail(
        "单位名单 {roster} 第 {line} 行：单位「{name}」重复（第 {first_line} 行已有{as_written}）",
        "请删除重复的一行",
    )
    UNITS_EMPTY = Detail("单位名单 {roster} 中没有单位名称", "请每行写一个单位")
    UNITS_ENCODING_UNKNOWN = Detail("单位名单 {roster} 的文字编码无法识别", "请另存为 UTF-8 编码的文本文件")
    UNITS_BOOK_UNREADABLE = Detail("单位名单 {roster}：{why}", "{fix}")
    TEMPLATE_UNIT_NOT_A_FILE_NAME = Detail("单位名称「{unit}」不能用作文件名")
    TEMPLATE_SAME_FILE_NAME = Detail("单位「{unit}」和「{other}」会生成同名文件 {name}", "请改正单位名称")
    TEMPLATE_FOLDER_NOT_MADE = Detail("无法建立文件夹「{folder}」（{reason}）")
    UNITS_NAME_IS_A_NUMBER = Detail(
        "单位名单 {roster} 第 {line} 行：单位名称「{name}」是一个数字，像是序号而不是单位名称",
        "请把单位名称放在第一列，或给单位名称所在的列加上表头「单位名称」",
    )
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
    # The two-party templates (famscore.templates): department 评分表 and the returns they show.
    TEMPLATE_DEPARTMENT_NOT_A_FILE_NAME = Detail(
        "考核部门「{department}」不能用作文件名", "请改正考评表中的考核部门名称"
    )
    TEMPLATE_SAME_REVIEW_FILE_NAME = Detail(
        "考核部门「{department}」和「{other}」会生成同名评分表 {name}", "请改正考评表中的考核部门名称"
    )
    TEMPLATE_RETURN_NOT_SHOWN = Detail(
        "这份回表没有读出（见同一文件的其他问题），评分表中该单位的填报数据留空",
        "请让该单位重新发送填报表后再生成评分表；评分表本身照常可用",
        WARNING,
    )
    TEMPLATE_RETURN_TWICE = Detail(
        "单位「{unit}」有 {count} 份回表（{files}），无法确定显示哪一份，评分表中该单位的填报数据留空",
        "请只保留该单位的一份回表后重新生成评分表",
        WARNING,
    )
    TEMPLATE_RETURN_NOT_ON_ROSTER = Detail(
        "回表的单位「{unit}」不在单位名单中，评分表中没有它的行",
        "请核对单位名称，或把它加入单位名单后重新生成评分表",
        WARNING,
    )
    # What `famscore template` refuses (rendered and exited on, like the command line's own below).
    CLI_NO_DEPARTMENTS = Detail(
        "考评表中没有由考核部门填报的字段（字段表的「填报方」都是单位），不需要评分表。",
        "请在考评表字段表的「填报方」列写明考核部门，或去掉 --only 评分表",
    )
    CLI_RETURNS_WITHOUT_REVIEWS = Detail(
        "--returns 只用于评分表（显示各单位填报的数据），这次不生成评分表。",
        "请去掉 --returns 或 --only 单位表",
    )
    CLI_RETURNS_NEED_UNITS = Detail(
        "--returns 要和 --units-file 或 --unit 一起用：评分表按单位名单逐行显示各单位的填报数据。",
        "请加上 --units-file 单位名单.txt",
    )

    # --- a department's 评分表 as read (famscore.reviews) ------------------------------------------------
    REVIEW_NOT_A_REVIEW = Detail(
        "隐藏的 _meta 工作表中没有「类型：评分表」，不是 famscore 生成的评分表，没有采用",
        "请用 famscore template 为该考核部门生成的评分表填写",
    )
    REVIEW_OTHER_SCHEME = Detail(
        "这份评分表来自另一份考评表「{title}」，不是「{scheme}」，其中的评分没有采用",
        "请确认发错了文件，或用正确的考评表计分",
    )
    REVIEW_OTHER_YEAR = Detail(
        "这份评分表来自 {year} 年度的考评表，当前考评表是 {current} 年度，其中的评分没有采用",
        "请确认发错了文件（例如去年的评分表），或让该部门用今年的评分表重新填写",
    )
    REVIEW_OTHER_VERSION = Detail(
        "这份评分表来自考评表版本 {version}，当前考评表是版本 {current}，其中的评分没有采用",
        "请让该部门用新版评分表（famscore template 生成）重新填写，或核对两版的差别",
    )
    REVIEW_SCHEME_CHANGED = Detail(
        "考评表的标题和版本相同，但内容有改动（指纹不同）",
        "如改动了字段或规则，请核对这份评分表的内容",
        WARNING,
    )
    REVIEW_DEPARTMENT_MISSING = Detail(
        "_meta 工作表中没有写明考核部门，无法确定是哪个部门的评分表，没有采用",
        "请用 famscore template 为该考核部门生成的评分表填写",
    )
    REVIEW_UNKNOWN_DEPARTMENT = Detail(
        "_meta 中的考核部门「{department}」不填报考评表中的任何字段（填报字段的部门：{departments}），没有采用",
        "请核对考评表字段表的「填报方」，或用 famscore template 重新生成评分表",
    )
    REVIEW_GRID_MISSING = Detail(
        "找不到评分表的字段编号行（同一行中有「{key}」和「{header}」），没有采用",
        "请不要删除或改动评分表表头下方的字段编号行；必要时用 famscore template 重新生成评分表",
    )
    REVIEW_UNKNOWN_FIELD = Detail(
        "字段编号「{key}」不在考评表中，这一列已忽略", "请不要改动字段编号行；多出的列可以删除", WARNING
    )
    REVIEW_FOREIGN_FIELD = Detail(
        "{label}由「{filler}」填报，不属于本评分表的考核部门「{department}」，这一列没有采用",
        "请把这一列的数据交给「{filler}」（单位的数据填在单位的填报表中），并从本表删除这一列",
    )
    REVIEW_FIELD_TWICE = Detail("字段「{key}」有两列（另一列在 {other}），两列都没有采用", "请删除重复的一列")
    REVIEW_FIELD_COLUMN_MISSING = Detail(
        "评分表中没有{label}这一列，各单位的本项暂不计分",
        "请用 famscore template 生成的评分表填写，不要删除列",
    )
    REVIEW_UNIT_TWICE = Detail(
        "单位「{unit}」有两行（另一行是第 {other} 行），其中 {count} 项两行填得不一样，这几项都没有采用",
        "请删除多余的一行，只保留正确的评分",
    )
    REVIEW_UNIT_TWICE_SAME = Detail(
        "单位「{unit}」有两行（另一行是第 {other} 行），两行填得一样，按一行采用",
        "请删除多余的一行",
        WARNING,
    )
    REVIEW_ROW_WITHOUT_UNIT = Detail(
        "这一行填了评分，但「{header}」是空的，没有采用", "请在「{header}」列填写单位名称"
    )
    REVIEW_GRID_TOO_LARGE = Detail(
        "评分表的使用范围异常巨大（{used}），超过 {limit}格，没有采用",
        "请删除评分表中多余的行和列（或多余的内容）后另存；单位很多时，请按地区分成几批分别计分",
    )
    REVIEW_NO_UNITS = Detail(
        "评分表中没有任何单位的行，没有采用", "请用 famscore template 按单位名单生成的评分表填写"
    )

    # --- outputs (famscore.outputs) ----------------------------------------------------------------
    OUTPUT_TEXT_CLEANED = Detail("文字「{text}」{note}{more}", "", WARNING)
    # The parts of OUTPUT_TEXT_CLEANED's {note} and {more}, and the sentences of OutputError/UsageError
    # raised while planning and writing outputs (famscore.outputs.safe, writeall, jsonout, readback).
    OUTPUT_NOTE_CHARS_REMOVED = Detail("含有 {count} 个表格文件不允许的控制字符，已删除", "", WARNING)
    OUTPUT_NOTE_TEXT_CUT = Detail("文字长 {length} 字，超过 Excel 单元格上限 {limit} 字，已截断", "", WARNING)
    OUTPUT_NOTE_MORE = Detail("（共 {count} 处，这是第一处）", "", WARNING)
    OUTPUT_VERIFY_FAILED = Detail("写出的文件「{name}」校验失败（{why}）")
    OUTPUT_TARGET_IS_FOLDER = Detail(
        "输出路径「{target}」是一个文件夹。", "请在后面加上文件名，例如 {example}"
    )
    OUTPUT_NOTHING_WRITTEN = Detail("本次没有写出任何文件{kept}。")
    OUTPUT_PREVIOUS_KEPT = Detail("，原来的文件没有改动")
    OUTPUT_PARTLY_REPLACED = Detail("已经换成本次结果的只有 {replaced}，其余输出仍是原来的文件。")
    OUTPUT_FILE_BUSY = Detail(
        "无法写入「{target}」：文件正被占用（可能已在 Excel/WPS 中打开）或没有写入权限。",
        "请先在 Excel/WPS 中关闭该文件后重新运行，或换一个输出文件名。",
    )
    OUTPUT_DISK_FULL = Detail(
        "无法写入「{target}」：磁盘空间不足。", "请清理磁盘空间或换一个磁盘后重新运行。"
    )
    OUTPUT_FOLDER_GONE = Detail(
        "无法写入「{target}」：文件夹「{folder}」不存在。", "请先建立该文件夹，或换一个输出位置。"
    )
    OUTPUT_NOT_WRITABLE = Detail(
        "无法写入「{target}」（{reason}）。", "请检查该位置是否可写，或换一个输出位置后重新运行。"
    )
    OUTPUT_IS_FOLDER = Detail(
        "{label}「{out}」是一个文件夹，不能作为输出文件。", "请写出文件名，例如 {example}"
    )
    OUTPUT_IS_INPUT = Detail(
        "{label}「{out}」就是输入文件「{source}」{what}，不能覆盖输入。", "请换一个输出文件名"
    )
    OUTPUT_OVERWRITES_RETURN = Detail(
        "{label}「{out}」就是其中的文件「{hit}」，会覆盖它（{folder_label}「{folder}」）。",
        "请把输出放在{folder_label}之外，例如 {example}",
    )
    OUTPUT_AMONG_RETURNS = Detail(
        "{label}「{out}」在它里面，下次计分时会被当作回表读取（{folder_label}「{folder}」）。",
        "请把输出放在{folder_label}之外，例如 {example}",
    )
    OUTPUT_SAME_FILE = Detail(
        "{label}「{out}」和{other_label}「{other}」是同一个文件；同一次运行的输出不能互相覆盖，",
        "请换一个文件名",
    )
    OUTPUT_FOLDER_MISSING = Detail(
        "{label}「{out}」所在的文件夹「{folder}」不存在。", "请先建立该文件夹，或换一个输出位置"
    )
    OUTPUT_HELPER_DIED = Detail("写出 {targets} 时程序异常退出。")
    OUTPUT_WRITE_FAILED = Detail("写出「{target}」时出错（{kind}：{error}）。")
    OUTPUT_JSON_INEXACT = Detail("数值 {value} 位数过多，无法在 JSON 中精确表示")
    SUMMARY_NOT_FOUND = Detail("找不到汇总表「{path}」，", "请检查路径")
    SUMMARY_NOT_XLSX = Detail("「{name}」不是 .xlsx 汇总表，", "请指定 famscore score 生成的汇总表")
    SUMMARY_NOT_FAMSCORE = Detail("「{name}」不是 famscore 生成的汇总表（缺少工作表「{missing}」）")
    SUMMARY_UNREADABLE = Detail("无法读取汇总表「{name}」（{kind}），", "请重新生成")
    SUMMARY_SHEET_EMPTY = Detail("「{name}」的「{tab}」工作表是空的，", "请重新生成汇总表")
    SUMMARY_NO_HEADERS = Detail(
        "「{name}」的「{tab}」工作表缺少表头（单位/主要指标得分/总分），",
        "请用 famscore score 重新生成汇总表",
    )

    # --- the results notice as a Word document (famscore.outputs.notice_docx, famscore notice) ---------
    NOTICE_NO_DOCX = Detail(
        "写结果通报（.docx）需要 python-docx，当前环境中没有安装。", "请运行 pip install python-docx 后重试"
    )
    NOTICE_BAD_DATE = Detail("成文日期「{value}」无法识别，", "请写成 2022-02-18 这样的年-月-日")
    NOTICE_TEMPLATE_UNREADABLE = Detail(
        "通报模板「{name}」无法作为 Word 文档打开（{kind}），",
        "请给出 .docx 格式的红头模板（.doc 或 .wps 请先在 Word/WPS 中另存为 .docx）",
    )
    NOTICE_NOT_DOCX_NAME = Detail("结果通报「{out}」要以 .docx 结尾，", "例如 {example}")
    NOTICE_GIVEN_SCHEME = Detail(
        "{path} 是考评表，不是汇总工作簿；",
        "请先计分（famscore score {path} 回表文件夹），再写 famscore notice 汇总工作簿 -o 通报.docx，"
        "或在计分时加上 --notice 通报.docx",
    )
    NOTICE_GIVEN_RETURN = Detail(
        "{path} 是一份填报表（回表），不是汇总工作簿；",
        "请给出 famscore score 写出的汇总工作簿，例如 famscore notice 回表_计分汇总.xlsx -o 通报.docx",
    )
    NOTICE_GIVEN_OTHER = Detail(
        "{path} 不是 famscore score 写出的汇总工作簿（没有「排名」和「考评表」工作表）；",
        "请给出 famscore score 写出的汇总工作簿，例如 famscore notice 回表_计分汇总.xlsx -o 通报.docx",
    )

    # --- feedback workbooks and objections (famscore.outputs.feedback, famscore.objections) ----------
    FEEDBACK_UNIT_NOT_A_FILE_NAME = Detail(
        "单位名称「{unit}」去掉文件名不允许的字符后为空，无法用作反馈表的文件名", "请在单位名单中改正单位名称"
    )
    FEEDBACK_UNREADABLE = Detail("无法读取这份反馈表：{reason}，其中的异议没有收集", "{fix}")
    FEEDBACK_NOT_ONE = Detail(
        "这不是 famscore 生成的反馈表（没有「_meta」工作表中的“类型 反馈表”），已跳过",
        "请只把各单位发回的反馈表放在这个文件夹中",
    )
    FEEDBACK_OTHER_SCHEME = Detail(
        "单位「{unit}」的反馈表是按另一份考评表（{title}，版本 {version}）生成的，其中的异议没有收集",
        "请确认考评表是否选对；如果考评表改过，请重新生成反馈表发给该单位",
    )
    FEEDBACK_META_EDITED = Detail(
        "单位「{unit}」的反馈表中隐藏的核对记录被改动过，其中的异议没有收集",
        "请把原反馈表重新发给该单位，请其只在黄色格子中填写后发回",
    )
    FEEDBACK_SCORE_EDITED = Detail(
        "单位「{unit}」的反馈表中的得分被改动过：发出时为 {sent}，现在为 {now}；其中的异议没有收集",
        "请把原反馈表重新发给该单位，请其不要改动得分，只在黄色格子中填写后发回",
    )
    FEEDBACK_NOT_SPREADSHEET = Detail("不是表格文件{what}，不是反馈表，已跳过", "", WARNING)
    FEEDBACK_TWICE = Detail(
        "单位「{unit}」发回了不止一份反馈表（{files}），各份的异议都已收集", "请核对以哪一份为准", WARNING
    )

    # --- the command line (famscore.cli) -----------------------------------------------------------
    # Errors the commands print and exit on; not problems at a place, so rendered, not `problem()`d.
    SCHEME_UNUSABLE = Detail(SCHEME_UNUSABLE)  # SchemeError's text (famscore.errors)
    CLI_NO_DEFUSEDXML = Detail(
        "缺少 defusedxml，不能安全地读取表格文件", "请运行 pip install defusedxml 后重试"
    )
    CLI_SCHEME_HAS_ERRORS = Detail("考评表有 {errors} 处错误、{warnings} 处警告，无法使用。")
    CLI_UNIT_AND_UNITS_FILE = Detail("--unit 和 --units-file 只能用一个。")
    CLI_DUPLICATE_UNITS = Detail("单位名称有重复。")
    CLI_NO_UNIT = Detail("请用 --unit 指定单位名称。")
    CLI_UNIT_NOT_IN_SUMMARY = Detail("汇总表中没有单位「{unit}」的计分过程。{guess}", "其中的单位：{names}")
    CLI_UNIT_NOT_SCORED = Detail("没有找到单位「{unit}」。{guess}", "已计分的单位：{names}")
    CLI_INTERRUPTED = Detail("已中断（{why}），没有写出任何文件，原有的输出文件没有改动。", "", WARNING)
    CLI_INTERRUPTED_AFTER_WRITING = Detail(
        "已中断（{why}）。中断前已写出：{paths}{more}；其他输出文件没有改动。", "", WARNING
    )
    CLI_SCHEME_CANNOT_SCORE = Detail("考评表 {path} 有错误，无法计分。", "请先运行 famscore check {path}")
    CLI_NO_RETURNS = Detail(
        "回表文件夹「{folder}」中没有可读取的回表文件（.xlsx/.xls/.ods 等），没有写出任何文件",
        "请确认文件夹是否选对，或先把各单位交回的填报表放进去",
    )
    CLI_GIVEN_RETURN = Detail(
        "{path} 是一份填报表（回表），不是考评表；", "计分请用 famscore score 考评表 回表文件夹"
    )
    CLI_GIVEN_SUMMARY = Detail(
        "{path} 是 famscore score 写出的汇总表，不是考评表；",
        "查看排名请用 famscore show {path}，查看某单位的得分请用 famscore explain {path} --unit 单位名称",
    )
    CLI_EXPLAIN_NEEDS_RETURNS = Detail(
        "{path} 是考评表；从考评表说明得分还要给出回表文件夹。",
        "请写 famscore explain {path} 回表文件夹 --unit {unit}，或改为给出 famscore score 写出的汇总表",
    )
    # --- check: one problem for a mistake repeated on several rule rows (famscore.rules.base.Rejections) --
    RULE_FIELD_UNKNOWN_ROWS = Detail(
        "字段「{id}」在「字段」表中不存在（规则表第 {rows} 行都写了它）",
        "请检查拼写，或先在「字段」表中添加该字段；改好后这几行一起生效",
    )
    RULE_FIELD_UNKNOWN_ROWS_NEAR = Detail(
        "字段「{id}」在「字段」表中不存在（规则表第 {rows} 行都写了它）",
        "是否想写「{near}」？请把这几行一起改正",
    )
    # --- famscore new-scheme (famscore.scheme.starter) ------------------------------------------------
    CLI_NEW_SCHEME_EXISTS = Detail(
        "文件 {path} 已经存在，没有覆盖它。", "请用 -o 另给一个文件名，或先把原来的文件改名或移走"
    )
    CLI_NEW_SCHEME_SUFFIX = Detail(
        "考评表起步工作簿要保存为 .xlsx 文件，而不是「{path}」。", "例如：-o 考评表.xlsx"
    )
    CLI_FEEDBACK_NEEDS_RETURNS = Detail(
        "{path} 是考评表；从考评表生成反馈表还要给出回表文件夹。",
        "请写 famscore feedback {path} 回表文件夹 -o 反馈表，或改为给出 famscore score 写出的汇总表",
    )
    CLI_FEEDBACK_NO_UNITS = Detail("{path} 中没有计分的单位，没有生成反馈表。")

    # --- 算例: the scheme's worked examples, run by famscore check (famscore.proof) ------------------
    PROOF_ITEM_UNKNOWN = Detail(
        "算例的指标编号「{id}」在「指标」表中没有这个二级指标", "请写「指标」表中二级指标的编号，如 A1"
    )
    PROOF_ITEM_UNKNOWN_NEAR = Detail(
        "算例的指标编号「{id}」在「指标」表中没有这个二级指标", "是否想写「{near}」？"
    )
    PROOF_INPUT_NO_EQUALS = Detail(
        "算例输入「{written}」缺少等号", "请写成 字段编号=值，几项之间用分号隔开，如 A1_完成率=96；A1_人数=3"
    )
    PROOF_FIELD_UNKNOWN = Detail(
        "算例输入中的字段「{id}」在「字段」表中不存在", "请照「字段」表的字段编号写，本项读取的字段：{reads}"
    )
    PROOF_FIELD_UNKNOWN_NEAR = Detail("算例输入中的字段「{id}」在「字段」表中不存在", "是否想写「{near}」？")
    PROOF_FIELD_NOT_READ = Detail(
        "算例输入中的字段「{id}」不参与「{item}」（{item_id}）的计分",
        "本项读取的字段：{reads}；请删去这一项或改写指标编号",
    )
    PROOF_FIELD_TWICE = Detail("算例输入中的字段「{id}」写了两次", "每个字段只写一次")
    PROOF_VALUE_INVALID = Detail("算例输入「{id}={given}」不能作为这个字段的值：{why}", "{fix}")
    PROOF_EXPECTED_INVALID = Detail(
        "算例的应得分「{given}」{why}", "填写按评分标准手算的本项得分，如 3.5；可为负数，如 -2"
    )
    PROOF_VETO_UNKNOWN = Detail("算例的否决「{given}」无法识别", "请写「{accepted}」，没有否决时留空")
    PROOF_MISMATCH = Detail(
        "算例不成立：「{item}」（{item_id}）输入 {inputs}，应得 {expected}，按规则算得 {computed}",
        "计算过程：{working}。请对照评分标准核对：手算错了改「应得分」，规则写错了改「规则」表",
    )

    # --- results for analysts (famscore.analysis) ------------------------------------------------------
    ANALYSIS_EXTRA_MISSING = Detail("这项功能需要分析组件（缺少 {modules}）。", "请运行 {command} 安装后重试")
    RESULTS_NEED_YEAR = Detail(
        "考评表的「设置」没有填写年度，结果文件夹「{folder}」按年度存放，无法写入。",
        "请在考评表「设置」中填写年度后重新计分",
    )
    RESULTS_NOT_FOLDER = Detail("结果文件夹「{folder}」是一个文件，不是文件夹。", "请换一个文件夹名")
    RESULTS_UNKNOWN_KIND = Detail(
        "「{path}」不是 famscore 的结果（汇总工作簿 .xlsx、JSON 结果或结果文件夹）。",
        "请给出 famscore score 写出的汇总工作簿、--json 写出的文件或 --results 写出的文件夹",
    )
    RESULTS_FOLDER_EMPTY = Detail(
        "结果文件夹「{folder}」中没有计分结果（缺少 units/year=…/*.parquet）。",
        "请先用 famscore score … --results {folder} 或 famscore export 写入",
    )
    RESULTS_JSON_UNREADABLE = Detail("无法读取 JSON 结果「{path}」（{why}）。", "请重新生成")
    RESULTS_NO_TABLE = Detail("没有名为「{name}」的表。", "可用的表：{names}")
    RESULTS_NO_BACKEND = Detail("不支持「{name}」。", "可用：{names}")
    COMPARE_NO_EARLIER_YEAR = Detail(
        "结果文件夹「{folder}」中没有早于 {year} 年的结果，无法比较。",
        "请给出上一年的汇总工作簿、JSON 结果或含上一年的结果文件夹",
    )
    COMPARE_MAP_BAD_LINE = Detail(
        "指标对照文件「{path}」第 {line} 行「{text}」看不懂。",
        "每行写「旧编号|新编号」（也可用逗号或制表符分隔），例如 B3|B4",
    )
    CLI_JSON_LINES_NEEDS_JSON = Detail(
        "--json-lines 要和 --json 一起用。", "例如 --json 结果.jsonl --json-lines"
    )
    COMPARE_MAP_DUPLICATE = Detail(
        "指标对照文件「{path}」第 {line} 行又一次对照了编号「{id}」。", "每个编号只能对照一次"
    )

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


class Line(NamedTuple):
    """A status line: what the user reads first (emphasised), then the particulars."""

    text: str
    more: str = ""


class Say(Enum):
    """What the commands report when nothing is wrong: counts, where the outputs are, what was made.

    Not problems (no fix, no severity, nothing a program acts on), so not in `Msg` or on the codes page;
    here so that every sentence a user reads still has one home.
    """

    SCHEME_USABLE = Line("考评表可以使用", "（指纹 {fingerprint}）。")
    SCHEME_USABLE_WITH_WARNINGS = Line("考评表可以使用", "（指纹 {fingerprint}，{warnings} 处警告）。")
    TEMPLATES_MADE = Line("已生成 {count} 个单位的填报表", "，在文件夹 {folder}")
    BLANK_TEMPLATE_MADE = Line("已生成 1 份空白填报表", "，在文件夹 {folder}")
    REVIEWS_MADE = Line("已生成 {count} 个考核部门的评分表", "，在文件夹 {folder}")
    READING_RETURNS = Line("读取回表")
    FULL_PROBLEM_LIST = Line("汇总工作簿「{name}」的「问题」工作表")
    FILES_READ = Line("已读取 {files} 个文件，{complete} 个单位完整计分。")
    FILES_READ_WITH_REVIEWS = Line("已读取 {files} 份回表和 {reviews} 份评分表，{complete} 个单位完整计分。")
    FILES_READ_WITH_REVIEWS_SOME_PENDING = Line(
        "已读取 {files} 份回表和 {reviews} 份评分表，{complete} 个单位完整计分，{pending} 个单位待定（见排名表）。"
    )
    FILES_READ_SOME_PENDING = Line(
        "已读取 {files} 个文件，{complete} 个单位完整计分，{pending} 个单位待定（见排名表）。"
    )
    SUMMARY_WRITTEN = Line("汇总工作簿：{path}")
    AUDIT_CSV_WRITTEN = Line("计分过程（行数较多，另存为 CSV）：{path}")
    JSON_WRITTEN = Line("JSON 结果：{path}")
    NOTICE_WRITTEN = Line("结果通报：{path}", "（「二、工作完成情况」是按得分拟的初稿，发出前请修改）")
    NOTICE_LEFT_OUT = Line("{count} 个单位待定，没有列入结果通报：", "{names}")
    NOTICE_NO_ISSUER = Line("通报的落款还没有写", "：可用 --issuer 写明发文机关，或在 Word/WPS 中补上。")
    NOTICE_NO_ROSTER = Line(
        "没有给出单位名单，通报中同一等级的单位按回表文件名排列",
        "；要按单位名单的顺序排列，请加上 --units-file 单位名单。",
    )
    PROBLEMS_TO_FIX = Line("问题：{tally}；改正错误后请重新计分（见上表）。")
    EXAMPLES_ALL_HOLD = Line("{count} 个算例全部成立", "（按规则算出的得分与手算的应得分一致）。")
    EXAMPLES_SOME_FAIL = Line(
        "{failed} 个算例不成立", "，{passed} 个成立（共 {count} 个）；请按上表逐个核对评分标准和规则。"
    )
    NEW_SCHEME_WRITTEN = Line(
        "已写出考评表起步工作簿：{path}", "。先看「说明」和「示例」工作表，填好后运行 famscore check {path}"
    )
    FEEDBACK_WRITTEN = Line("已生成 {count} 个单位的反馈表", "，在文件夹 {folder}")
    FEEDBACK_ONE_WRITTEN = Line("反馈表：{path}")
    OBJECTIONS_COLLECTED = Line(
        "已读取 {files} 个文件，{trusted} 份反馈表可用，收集到 {units} 个单位的 {count} 条异议。"
    )
    OBJECTIONS_WRITTEN = Line("异议汇总：{path}")
    # results for analysts (famscore.analysis)
    RESULTS_WRITTEN = Line("结果文件夹（Parquet）：{folder}", "（{year} 年，批次 {batch}）")
    JSON_LINES_WRITTEN = Line("JSON 结果（每行一个单位）：{path}")
    EXPORTED = Line("已导出 {units} 个单位的结果", "到结果文件夹 {folder}（{year} 年，批次 {batch}）")
    COMPARE_WRITTEN = Line("对比工作簿：{path}")
    HISTORY_EMPTY = Line("结果文件夹中没有单位。")

    @property
    def line(self) -> Line:
        line: Line = self.value
        return line

    def render(self, **fields: Any) -> tuple[str, str]:
        """The emphasised text and the rest, with `fields` filled in."""
        return self.line.text.format(**fields), self.line.more.format(**fields)


# What each placeholder stands for, for docs/problem-codes.md (tests/test_messages.py: every one is here).
PLACEHOLDERS = {
    "modules": "缺少的 Python 组件",
    "command": "要运行的命令",
    "departments": "指标的考核部门，以、分隔",
    "department": "考核部门的名称（评分表 _meta 或考评表中写的）",
    "filler": "字段「填报方」列写的内容",
    "first": "所列的第一个考核部门（指标的考核部门，或填报方中写的）",
    "judged": "选档选“其他”时所用评定分的字段编号",
    "judged_by": "该评定分字段的填报方",
    "label": "填报项目的名称和字段编号，如「药具发放完成率」（A1_完成率）",
    "typed": "单位填写的内容",
    "text": "单元格中或要写出的文字",
    "shown": "单元格在 Excel 中显示的样子",
    "number": "读出的数值",
    "minimum": "本项的最小值",
    "maximum": "本项的最大值",
    "kind": "数值或整数",
    "range": "本项的取值范围（没有时为空）",
    "rule": "百分比项的填法（其他项为空）",
    "point": "把逗号换成小数点后的写法",
    "scaled": "按小数读时的百分数",
    "unit": "本项的单位；或单位名称",
    "typed_unit": "填写时带的单位",
    "choices": "本项的可选项",
    "type": "字段类型",
    "day": "读出的日期",
    "low": "合理年份的下限",
    "high": "合理年份的上限",
    "never": "从未完成时填写的词",
    "what": "文件内容的种类，如 PDF 文件",
    "megabytes": "文件大小（MB）",
    "count": "个数",
    "used": "工作表的使用范围，如 A1:XFD1048576",
    "part": "文件内部的部件名",
    "error": "读取时出错的类型",
    "note": "补充说明",
    "more": "其余的补充说明",
    "errors": "错误的处数",
    "warnings": "警告的处数",
    "guess": "最接近的名称（“是不是……？”）",
    "names": "可选的名称",
    "why": "中断的原因",
    "paths": "已写出的文件",
    "address": "单元格地址，如 D12",
    "into": "合并区域左上角的单元格",
    "span": "合并区域，如 D12:D14",
    "formula": "单元格中的公式",
    "key": "填报表中的字段编号",
    "id": "字段编号或指标编号",
    "other": "另一处的单元格地址",
    "item": "指标名称",
    "items": "无法计分的指标（前几项）",
    "explanation": "计分说明：为什么无法计分",
    "named": "相关填报值及其数值",
    "blank": "没有填写的字段",
    "files": "文件名（前几个）",
    "name": "文件名中的单位名称",
    "reason": "操作系统给出的原因",
    "seconds": "读取一份回表的时间上限（秒）",
    "suffix": "文件的扩展名",
    "title": "回表 _meta 中的考评表标题",
    "scheme": "当前考评表的标题",
    "version": "回表 _meta 中的考评表版本",
    "year": "年度（回表 _meta 中的，或结果所属的）",
    "current": "当前考评表的年度或版本",
    "where": "单位从哪里认定（没有 _meta，或 _meta 中没有单位）",
    "example": "改正后的写法示例",
    "folder": "文件夹路径",
    "folder_label": "文件夹的用途，如 回表文件夹",
    "hit": "会被覆盖的输入文件",
    "kept": "原来的文件是否保留",
    "length": "文字的长度（字）",
    "limit": "上限",
    "other_label": "另一个输出的用途",
    "out": "输出文件路径",
    "path": "文件路径",
    "replaced": "已经替换的输出文件",
    "missing": "缺少的工作表名称",
    "tab": "汇总表中的工作表名称",
    "source": "输入文件路径",
    "target": "输出文件路径",
    "targets": "正在写出的文件",
    "value": "数值",
    "roster": "单位名单的文件名",
    "accepted": "可用的写法",
    "as_typed": "读法“百分数”的写法",
    "fraction": "读法“小数”的写法",
    "reading": "考评表中写的读法",
    "as_written": "第一次出现时的写法",
    "line": "行号",
    "first_line": "第一次出现的行号",
    "first_row": "第一次出现的行号",
    "indicator_row": "「指标」表中的行号",
    "rows": "规则所在的行号",
    "bonus": "“附加”的写法",
    "main": "“主要”或主要指标得分的写法",
    "total": "合计或“总分”的写法",
    "choice": "选项",
    "list": "选项列表名称",
    "condition": "档位条件，如 ≥95",
    "entry": "写错的一段（档位或参数）",
    "n": "第几档",
    "previous": "与之重叠的档位或上一档等级",
    "previous_n": "与之重叠的是第几档",
    "previous_lowest": "上一档等级的最低分",
    "lowest": "等级的最低分",
    "points": "分值",
    "most": "规则最多可得的分数",
    "header": "表头",
    "headers": "应有的表头",
    "listed": "都有这两个表头的工作表",
    "sheet_used": "改用的工作表",
    "wanted": "应有的工作表名称",
    "near": "最接近的名称",
    "mode": "写的扣分方式",
    "raw": "写的参数值",
    "message": "规则的问题（否决规则的参数）",
    "fix": "改法",
    "written": "算例输入中写错的一段",
    "given": "算例中写的内容",
    "reads": "本项规则读取的字段编号",
    "item_id": "二级指标的编号",
    "inputs": "算例的输入（字段编号=值）",
    "expected": "算例的应得分（及否决）",
    "computed": "按规则算出的得分（及否决）",
    "working": "famscore 的计分说明",
    "roster_name": "单位名单中与回表单位名相近的名称（可能是笔误）",
    "sent": "反馈表发出时单元格中的得分",
    "now": "发回的反馈表中该单元格现在的内容",
    "units": "单位名称（前几个）",
    "here": "一份评分表中的位置和所填的值",
    "there": "另一份评分表中的位置和所填的值",
    "labels": "字段名称（前几个）",
}


def placeholders(member: Msg) -> set[str]:
    """The names in braces in `member`'s text and fix."""
    return {name for text in member.detail[:2] for _, name, _, _ in Formatter().parse(text) if name}


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
        lines.append(_row(member.name, str(detail.severity), detail.text, detail.fix or "—"))
    used = sorted({name for member in Msg for name in placeholders(member)})
    lines += ["", "## 花括号中的内容", "", "| 名称 | 含义 |", "|---|---|"]
    lines += [_row("{" + name + "}", PLACEHOLDERS.get(name, "")) for name in used]
    # Typer and Click word usage errors and help themselves; famscore.cli_zh translates them by key.
    # Not problems with a fix, and keyed by what Click raises, so listed here rather than made members.
    from famscore.cli_zh import ZH  # a leaf module (no famscore imports); only for this page

    lines += [
        "",
        "## 命令行的用法错误和帮助文字",
        "",
        "命令写错（缺少参数、没有这个选项、路径不存在等）时的提示，以及帮助中的标签，由 famscore.cli_zh 翻译。",
        "",
        "| 键 | 文字 |",
        "|---|---|",
    ]
    lines += [_row(key, text) for key, text in ZH.items()]
    return "\n".join(lines) + "\n"


def _row(*cells: str) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


if __name__ == "__main__":
    print(catalogue_markdown(), end="")
