"""The scheme workbook's vocabulary: sheet names, column headers, setting keys and the words of its cells."""

from __future__ import annotations

# ---------------------------------------------------------------- sheets

SETTINGS = "设置"
BANDS = "等级"
INDICATORS = "指标"
FIELDS = "字段"
CHOICES = "选项"
RULES = "规则"
OPTIONAL_SHEETS = (BANDS, CHOICES)

# ---------------------------------------------------------------- column headers

# 设置
COL_SETTING = "项目"
COL_CONTENT = "内容"
# 等级 (and 指标's 最低分)
COL_BAND = "等级"
COL_LOWEST = "最低分"
COL_NOTE = "说明"  # 等级, 指标, 字段, 规则
# 指标
COL_ID = "编号"
COL_CATEGORY = "一级指标"
COL_ITEM = "二级指标"
COL_POINTS = "分值"
COL_KIND = "计分类别"
COL_CRITERIA = "评分标准"
COL_DEPARTMENT = "考核部门"
# 字段
COL_FIELD_ID = "字段编号"
COL_ITEM_ID = "指标编号"  # 字段 and 规则
COL_LABEL = "填报项目"
COL_TYPE = "类型"
COL_UNIT = "单位"
COL_MIN = "最小值"
COL_MAX = "最大值"
COL_CHOICE = "选项"  # 字段 (the list a field uses) and 选项 (one choice of a list)
COL_REQUIRED = "必填"
COL_HELP = "填报说明"
COL_READING = "读法"
COL_FILLER = "填报方"  # 单位, or the 考核部门 that fills the field in its 评分表
# 选项
COL_LIST = "列表"
# 规则
COL_RULE_KIND = "规则类型"
COL_FIELDS = "字段"
COL_PARAMS = "参数"

# The headers a sheet must have (the loader looks for the row holding them all).
HEADERS: dict[str, tuple[str, ...]] = {
    SETTINGS: (COL_SETTING, COL_CONTENT),
    BANDS: (COL_BAND, COL_LOWEST),
    INDICATORS: (COL_ID, COL_CATEGORY, COL_ITEM, COL_POINTS),
    FIELDS: (COL_FIELD_ID, COL_ITEM_ID, COL_LABEL, COL_TYPE),
    CHOICES: (COL_LIST, COL_CHOICE),
    RULES: (COL_ITEM_ID, COL_RULE_KIND, COL_FIELDS, COL_PARAMS),
}

# Every column per sheet in the order authors see it, with its width in Excel character units
# (a CJK character is about 2): what the writer lays out.
COLUMNS: dict[str, list[tuple[str, int]]] = {
    SETTINGS: [(COL_SETTING, 16), (COL_CONTENT, 70)],
    BANDS: [(COL_BAND, 12), (COL_LOWEST, 10), (COL_NOTE, 50)],
    INDICATORS: [
        (COL_ID, 8),
        (COL_CATEGORY, 28),
        (COL_ITEM, 26),
        (COL_POINTS, 8),
        (COL_KIND, 10),
        (COL_LOWEST, 8),
        (COL_CRITERIA, 70),
        (COL_DEPARTMENT, 16),
        (COL_NOTE, 40),
    ],
    FIELDS: [
        (COL_FIELD_ID, 22),
        (COL_ITEM_ID, 10),
        (COL_LABEL, 36),
        (COL_TYPE, 8),
        (COL_UNIT, 8),
        (COL_MIN, 8),
        (COL_MAX, 8),
        (COL_CHOICE, 16),
        (COL_REQUIRED, 6),
        (COL_HELP, 50),
        (COL_READING, 8),
        (COL_FILLER, 20),
        (COL_NOTE, 40),
    ],
    CHOICES: [(COL_LIST, 20), (COL_CHOICE, 30)],
    RULES: [(COL_ITEM_ID, 10), (COL_RULE_KIND, 14), (COL_FIELDS, 36), (COL_PARAMS, 50), (COL_NOTE, 50)],
}
# Per sheet, the columns written only when some row fills them, so that schemes without them keep
# their columns (字段's 说明 is optional; the other sheets' 说明 columns are always written).
OPTIONAL_COLUMNS: dict[str, set[str]] = {FIELDS: {COL_READING, COL_FILLER, COL_NOTE}}
WRAPPED_COLUMNS = {
    COL_CONTENT,
    COL_CRITERIA,
    COL_NOTE,
    COL_HELP,
    COL_PARAMS,
    COL_CATEGORY,
    COL_ITEM,
    COL_LABEL,
    COL_FIELDS,
}

# ---------------------------------------------------------------- 设置 keys

SET_TITLE = "标题"
SET_YEAR = "年度"
SET_TARGET = "考核对象"
SET_VERSION = "版本"
SET_DECIMALS = "小数位数"
SET_MAIN_POINTS = "主要指标满分"
SET_BONUS_POINTS = "附加分满分"
SET_GRADE_BASIS = "定级依据"
SET_RANK_BASIS = "排名依据"
SET_SELF_ASSESSMENT = "自评"  # 是: each unit form has a 自评分 cell per item, never scored
SET_NOTE = "说明"  # may be written on several rows; they are joined
SETTING_KEYS = (
    SET_TITLE,
    SET_YEAR,
    SET_TARGET,
    SET_VERSION,
    SET_DECIMALS,
    SET_MAIN_POINTS,
    SET_BONUS_POINTS,
    SET_GRADE_BASIS,
    SET_RANK_BASIS,
    SET_SELF_ASSESSMENT,
    SET_NOTE,
)

# ---------------------------------------------------------------- words in cells

# 字段 类型: field types as the scheme author writes them.
NUMBER = "数值"
INTEGER = "整数"
PERCENT = "百分比"
SCORE = "评分"
YESNO = "是否"
CHOICE = "选项"
DATE = "日期"
TEXT = "文本"
FIELD_TYPES = (NUMBER, INTEGER, PERCENT, SCORE, YESNO, CHOICE, DATE, TEXT)
NUMERIC_TYPES = (NUMBER, INTEGER, PERCENT, SCORE)
# 字段 读法: how a 百分比 field reads a number typed into a plain cell. Unstated, a number between
# 0 and 1 that both readings allow is an error; stated, it is read one way.
READ_AS_TYPED = "百分数"  # 0.8 is 0.8 %: for fields whose realistic values are below 1 %
READ_FRACTION = "小数"  # 0.8 is 80 %
READINGS = (READ_AS_TYPED, READ_FRACTION)
# 字段 必填
REQUIRED_YES, REQUIRED_NO = "是", "否"
# 字段 填报方: the unit itself; any other word names a 考核部门.
FILLER_UNIT = "单位"
# 设置 自评
YES, NO = "是", "否"
# The field famscore adds per item when 自评 is 是: the unit's own claim, read like any field, never scored.
SELF_SCORE_LABEL = "自评分"
SELF_SCORE_PREFIX = "自评."


def self_score_id(item_id: str) -> str:
    """The 字段编号 of an item's 自评分 cell (no scheme field may start with 自评.)."""
    return SELF_SCORE_PREFIX + item_id


# 指标 考核部门 may name several departments: "委信访办/老龄家发科", "家发科、预防科", or one per line
# in the cell (as the seeds' tables print them: "家发科\n预防科").
DEPARTMENT_SEPARATORS = "/／、,，;；\n\r \u3000"
# 指标 计分类别
MAIN = "主要"
BONUS = "附加"
# 指标 最低分: words that let an item's deductions go below zero.
NEGATIVE_WORDS = ("不限", "可为负分", "无下限", "上不封顶")
# 设置 定级依据 / 排名依据
BASIS_MAIN = "主要指标得分"
BASIS_TOTAL = "总分"
# Rule kinds (分档, 选档, ...) are named once, by each kind's class in famscore.rules.kinds; the
# registry (famscore.rules.kinds()) is where the loader and the docs read them from.
