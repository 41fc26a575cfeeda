"""The starter scheme workbook (famscore new-scheme): the six sheets with dropdowns, header notes, a guide and an example."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from famscore.scheme.format import (
    BANDS,
    BASIS_MAIN,
    BASIS_TOTAL,
    BONUS,
    CHOICES,
    COL_BAND,
    COL_CATEGORY,
    COL_CHOICE,
    COL_CONTENT,
    COL_CRITERIA,
    COL_DEPARTMENT,
    COL_EXPECTED,
    COL_FIELD_ID,
    COL_FIELDS,
    COL_FILLER,
    COL_HELP,
    COL_ID,
    COL_INPUTS,
    COL_ITEM,
    COL_ITEM_ID,
    COL_KIND,
    COL_LABEL,
    COL_LIST,
    COL_LOWEST,
    COL_MAX,
    COL_MIN,
    COL_NOTE,
    COL_PARAMS,
    COL_POINTS,
    COL_READING,
    COL_REQUIRED,
    COL_RULE_KIND,
    COL_SETTING,
    COL_TYPE,
    COL_UNIT,
    COL_VETO,
    COLUMNS,
    EXAMPLES,
    FIELD_TYPES,
    FIELDS,
    FILLER_UNIT,
    INDICATORS,
    MAIN,
    NO,
    READINGS,
    REQUIRED_NO,
    REQUIRED_YES,
    RULES,
    SET_BONUS_POINTS,
    SET_DECIMALS,
    SET_GRADE_BASIS,
    SET_MAIN_POINTS,
    SET_NOTE,
    SET_RANK_BASIS,
    SET_SELF_ASSESSMENT,
    SET_TARGET,
    SET_TITLE,
    SET_VERSION,
    SET_YEAR,
    SETTINGS,
    YES,
)
from famscore.scheme.markdown import parse_markdown_sheets
from famscore.scheme.model import VETO_LAST, VETO_NO_TOP
from famscore.scheme.writer import write_scheme
from famscore.text import width as text_width

GUIDE_SHEET = "说明"
EXAMPLE_SHEET = "示例"
STARTER_FILE = "考评表起步.xlsx"  # the copy built into famscore/resources by scripts/build_examples.py
VALIDATED_ROWS = 500  # dropdowns reach this far down each sheet: more rows than any real scheme has

# 设置 as the author finds it: every key named, the usual values filled in, the title to be written.
SETTING_HINTS: dict[str, object] = {
    SET_TITLE: "（填写考评表名称）",
    SET_YEAR: None,
    SET_TARGET: None,
    SET_VERSION: "1",
    SET_DECIMALS: 2,
    SET_MAIN_POINTS: 100,
    SET_BONUS_POINTS: 0,
    SET_GRADE_BASIS: BASIS_MAIN,
    SET_RANK_BASIS: BASIS_TOTAL,
    SET_SELF_ASSESSMENT: NO,
}

# What each column means, with an example: shown as a note on its header cell.
HEADER_NOTES: dict[str, dict[str, str]] = {
    SETTINGS: {
        COL_SETTING: "设置项的名称，不要改动。",
        COL_CONTENT: "设置的值。标题、版本、主要指标满分必填；定级依据、排名依据、自评可从下拉中选。例：2023",
    },
    BANDS: {
        COL_BAND: "等级名称，从高到低排列。例：优秀",
        COL_LOWEST: "达到这一等级的最低分（含本数）；最后一档留空表示“其余”。例：90",
        COL_NOTE: "对原文的理解，不参与计分。例：原文“85-89 分良好”按下限录入",
    },
    INDICATORS: {
        COL_ID: "编号，全表唯一。一级指标如 A，其下二级指标如 A1、A2。",
        COL_CATEGORY: "一级指标名称，写在一级指标行。照原表在二级指标行也写上（每行重复，或只写在第一行）也可以：没有一级指标行时，分值为其二级指标之和，或写成 基础工作（30分）。例：基础工作",
        COL_ITEM: "二级指标名称，一级指标行留空。例：免费药具",
        COL_POINTS: "分值。一级指标的分值等于其二级指标之和；可写 8 或 8分。",
        COL_KIND: "只在一级指标行写：主要（计入主要指标得分）或 附加（创新工作等附加分）。留空为主要。",
        COL_LOWEST: "本项最低分，留空为 0；写“不限”表示可以扣成负分（如信访稳定）。",
        COL_CRITERIA: "评分标准原文，会印在填报表上。例：评估得分 95 分及以上得 8 分……",
        COL_DEPARTMENT: "考核部门；几个部门用 / 或 、 分隔。例：老龄家发科",
        COL_NOTE: "录入时对原文的理解，不参与计分。",
    },
    FIELDS: {
        COL_FIELD_ID: "字段编号，全表唯一；字母、汉字、数字、下划线，不以数字开头。例：A1_完成率",
        COL_ITEM_ID: "它属于哪个二级指标（「指标」表的编号）。例：A1",
        COL_LABEL: "填报表上显示的项目名称。例：药具发放完成率",
        COL_TYPE: "数值、整数、百分比、评分、是否、选项、日期、文本，从下拉中选。评分必须写最大值。",
        COL_UNIT: "计量单位，印在填报表上。例：%、人次、个",
        COL_MIN: "最小值（含），可留空。例：0",
        COL_MAX: "最大值（含），可留空；评分类型必填（本部分满分）。例：100",
        COL_CHOICE: "类型为“选项”时，写「选项」表中的列表名。例：特殊家庭项目",
        COL_REQUIRED: "是（默认）或 否；只在某些情况下才填的字段（如选“其他”时的评定分）写 否。",
        COL_HELP: "给填报人的说明，印在填报表上。例：填写百分数，如 96 表示 96%",
        COL_READING: "只用于百分比字段：普通单元格里的 0.8 读作 0.8%（百分数）还是 80%（小数）。一般留空。",
        COL_NOTE: "录入时对原文的理解（如这个字段为什么由某个部门填），不参与计分。",
        COL_FILLER: "谁填这个字段：单位，或一个考核部门的名称（在它的评分表里填）。留空时评分字段归本项的考核部门，其余归单位。",
    },
    CHOICES: {
        COL_LIST: "列表名，同一列表的各项连续排列，列表名只需写在第一行。例：特殊家庭项目",
        COL_CHOICE: "一个选项。例：全面实施",
    },
    RULES: {
        COL_ITEM_ID: "规则属于哪个二级指标。一个指标可写多行规则，得分相加。例：A1",
        COL_RULE_KIND: "规则类型，从下拉中选；各类型的写法见「说明」工作表。",
        COL_FIELDS: "规则读取的字段编号；多个用逗号分隔；分档、低于/高于标准扣分也可写算式。例：A1_完成率",
        COL_PARAMS: "参数：名称=值，用分号隔开；分档、选档写 条件:得分。例：≥95:8；≥90:6；其他:0",
        COL_NOTE: "对原文的理解，不参与计分。例：“每下降 1 个百分点扣 0.2 分”按比例理解",
    },
    EXAMPLES: {
        COL_ITEM_ID: "算例验算哪个二级指标。一行一个算例，famscore check 逐个验算，不参与计分。例：A1",
        COL_INPUTS: "本项各字段的值：字段编号=值，用分号隔开；值的写法同填报表（96%、是、2024-08-15）；没写的字段按未填报。例：A3_完成率=96.5%",
        COL_EXPECTED: "按评分标准手算的本项得分；可为负数。例：1.7",
        COL_VETO: "这组输入应触发的否决：取消评优 或 排名末位；没有否决留空。",
        COL_NOTE: "手算的过程，不参与计分。例：差 1.5 个百分点扣 0.3 分",
    },
}

# Every rule kind the registry knows, in words: what it does, and its 参数 written out.
KIND_GUIDE: dict[str, tuple[str, str]] = {
    "满分": ("得到本项分值，作为扣分的起点（也可写 分值=N）", "（留空）"),
    "评分": ("取考核部门评定的分数（评分字段，必须写最大值）；几个分项各写一行，得分相加", "（留空）"),
    "分档": (
        "按顺序找第一个符合条件的档，必须以“其他”结尾；得分可以是一个评分字段",
        "≥95:8；≥90:6；≥85:4；≥80:2；其他:0",
    ),
    "选档": (
        "从下拉选项中选一个等级，每个等级对应得分；“其他”可以对应一个评分字段",
        "全面实施:6；其他:A2_评定分",
    ),
    "低于标准扣分": (
        "数值低于标准时扣分，方式必须写明：按比例、按整档或一次性",
        "标准=98；每=1；扣=0.2；方式=按比例",
    ),
    "高于标准扣分": ("数值高于标准时扣分（如死亡率）", "标准=14.5；扣=3；方式=一次性"),
    "计次扣分": ("每人次、每件扣固定分数；可扣成负分时在「指标」表最低分写“不限”", "每次=1"),
    "计次加分": ("每项加分，可设上限", "每次=5；上限=10"),
    "酌情扣分": ("考核部门评定的扣分（填正数），如“视情扣 1-5 分”", "（留空）"),
    "逐项扣分": ("几项要求（是否字段），每有一项为“否”扣相同分数", "每项=0.5"),
    "期限扣分": (
        "日期字段；每错过一个期限扣相应分数，可累计；“未完成”全部扣",
        "2024-04-30:1.5；2024-07-31:1.5",
    ),
    "否决": ("是否字段；为“是”时取消评优或排名末位，标记出现在所有输出中", "后果=取消评优"),
}

# How to write a scheme, step by step (the essentials of docs/scheme-format.md, inside the workbook).
STEPS: tuple[tuple[str, str], ...] = (
    (
        "1. 设置",
        "填写标题、年度、版本、小数位数、主要指标满分、附加分满分；定级依据、排名依据、自评从下拉中选。",
    ),
    ("2. 等级", "从高到低写等级名称和最低分；最后一档最低分留空表示“其余”。不定级就删掉这张表的内容。"),
    (
        "3. 指标",
        "先写一级指标行（编号 A、一级指标、分值、计分类别），再在下面逐行写它的二级指标（编号 A1、二级指标、分值、评分标准、考核部门）。"
        "一级指标的分值必须等于其二级指标之和，主要指标之和必须等于「设置」的主要指标满分。",
    ),
    (
        "4. 字段",
        "每个需要填报的数据占一行：字段编号、属于哪个指标、填报项目、类型（下拉）、单位、范围。"
        "考核部门评定的分数用“评分”类型并写最大值。",
    ),
    ("5. 选项", "类型为“选项”的字段，把可选项写在这里，一个列表的各项连续排列。"),
    (
        "6. 规则",
        "每个二级指标至少一行规则，说明得分怎样由字段算出；一个指标的多行规则得分相加，"
        "再限制在最低分和分值之间。规则类型见下表。",
    ),
    (
        "7. 检查",
        "保存后运行 famscore check 考评表.xlsx：它列出指标树、每个问题所在的工作表、行、列和改法，直到显示“考评表可以使用”。"
        "在「算例」表写几个按评分标准手算的例子（指标编号、输入 字段编号=值、应得分），check 会逐个验算，算得不一致的列出来。",
    ),
    (
        "8. 参考「示例」",
        "「示例」工作表是一份完整、通过检查的小考评表，每种规则类型至少用一次；可以把其中的行复制到对应的工作表再修改。"
        "未填写任何指标时，famscore check 会提示“还不能计分”。",
    ),
)

# A small complete scheme using every rule kind once or more: the 示例 sheet, and proof that it checks.
EXAMPLE = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 示例考评表 |
| 年度 | 2023 |
| 版本 | 1 |
| 小数位数 | 2 |
| 主要指标满分 | 50 |
| 附加分满分 | 10 |
| 定级依据 | 主要指标得分 |
| 排名依据 | 总分 |

## 等级
| 等级 | 最低分 | 说明 |
|---|---|---|
| 优秀 | 45 | |
| 良好 | 40 | |
| 合格 | | 其余 |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 | 最低分 | 评分标准 | 考核部门 | 说明 |
|---|---|---|---|---|---|---|---|---|
| A | 基础工作 | | 36 | 主要 | | | | |
| A1 | | 免费药具 | 8 | | | 评估得分 95 分及以上得 8 分，90-94 分得 6 分，85-89 分得 4 分，80-84 分得 2 分，80 分以下不得分 | 老龄家发科 | 分档 |
| A2 | | 特殊家庭项目 | 8 | | | 推进力度大、效果显著得 8 分；全面实施得 6 分；其他视情况评分 | 老龄家发科 | 选档，“其他”由考核部门评分 |
| A3 | | 出生信息核实 | 2 | | | 核实完成率达 98%，每下降 1 个百分点扣 0.2 分 | 老龄家发科 | 满分 + 低于标准扣分 |
| A4 | | 孕前优生服务 | 2 | | | 月报表报送、质量管理、信息录入三项，每项未达要求扣 0.5 分 | 妇幼科 | 满分 + 逐项扣分 |
| A5 | | 信访稳定 | 5 | | 不限 | 非正常上访每人次扣 1 分；重大舆论视情扣 1-5 分，直至排名末位；上不封顶 | 委信访办 | 计次扣分 + 酌情扣分 + 否决 |
| A6 | | 项目资金下达 | 5 | | | 4 月 30 日前未下达扣 1.5 分，7 月 31 日前未下达扣 1.5 分，9 月 30 日前未下达扣 2 分 | 财务科 | 期限扣分 |
| A7 | | 计生协会工作 | 6 | | | 队伍建设 3 分，主题宣传 3 分 | 计生协会 | 两个评分分项相加 |
| B | 健康指标 | | 14 | 主要 | | | | |
| B1 | | 孕产妇和婴儿死亡率 | 6 | | | 孕产妇死亡率高于 14.5/10万 扣 3 分；婴儿死亡率高于 4‰ 扣 3 分 | 妇幼科 | 满分 + 高于标准扣分 |
| B2 | | 每千人口托位数 | 8 | | | 每千人口托位数达到 3.5 个得 8 分，否则不得分 | 妇幼科 | 算式分档 |
| C | 创新工作 | | 10 | 附加 | | | | |
| C1 | | 工作创新 | 10 | | | 每项有推广借鉴作用的创新工作加 5 分，10 分为止 | 老龄家发科 | 计次加分 |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 | 选项 | 必填 | 填报说明 | 填报方 |
|---|---|---|---|---|---|---|---|---|---|---|
| A1_评估得分 | A1 | 免费药具服务管理评估得分 | 数值 | 分 | 0 | 100 | | | 填写市级评估结果（百分制） | 单位 |
| A2_实施情况 | A2 | 特殊家庭项目实施情况 | 选项 | | | | 特殊家庭项目 | | 考核部门评定档次，从下拉中选 | 老龄家发科 |
| A2_评定分 | A2 | 特殊家庭项目评定分（选“其他”时填） | 评分 | 分 | 0 | 8 | | 否 | 只在选“其他”时由考核部门评定 | |
| A3_完成率 | A3 | 出生个案信息核实完成率 | 百分比 | % | 0 | 100 | | | 填写百分数，如 96.5 表示 96.5% | 单位 |
| A4_月报表报送 | A4 | 月报表报送达到要求 | 是否 | | | | | | 达到填“是”，未达到填“否” | 单位 |
| A4_质量管理 | A4 | 质量管理措施达到要求 | 是否 | | | | | | 达到填“是”，未达到填“否” | 单位 |
| A4_信息录入 | A4 | 检查信息录入达到要求 | 是否 | | | | | | 达到填“是”，未达到填“否” | 单位 |
| A5_非正常上访 | A5 | 非正常上访人次 | 整数 | 人次 | 0 | | | | 没有填 0 | 单位 |
| A5_舆论扣分 | A5 | 重大负面舆论扣分 | 数值 | 分 | 0 | 5 | | | 由考核部门视情填写（正数）；没有发生填 0 | 委信访办 |
| A5_排名末位 | A5 | 重大负面舆论造成严重后果需排名末位 | 是否 | | | | | | 由考核部门认定 | 委信访办 |
| A6_下达日期 | A6 | 项目资金下达日期 | 日期 | | | | | | 如 2024-08-15；至 9 月 30 日仍未下达填“未完成” | 单位 |
| A7_队伍建设 | A7 | 协会队伍建设评定分 | 评分 | 分 | 0 | 3 | | | 计生协会评定 | |
| A7_主题宣传 | A7 | 主题宣传活动评定分 | 评分 | 分 | 0 | 3 | | | 计生协会评定 | |
| B1_孕产妇死亡率 | B1 | 孕产妇死亡率 | 数值 | /10万 | 0 | | | | 如 15.2 表示 15.2/10万 | 单位 |
| B1_婴儿死亡率 | B1 | 婴儿死亡率 | 数值 | ‰ | 0 | 1000 | | | 如 3.1 表示 3.1‰ | 单位 |
| B2_托位总数 | B2 | 3岁以下婴幼儿托位总数 | 整数 | 个 | 0 | | | | | 单位 |
| B2_总人口 | B2 | 辖区总人口数 | 整数 | 人 | 1 | | | | 填写人数，不要以万为单位 | 单位 |
| C1_创新项数 | C1 | 有推广借鉴作用的创新工作项数 | 整数 | 项 | 0 | | | | 没有填 0 | 老龄家发科 |

## 选项
| 列表 | 选项 |
|---|---|
| 特殊家庭项目 | 力度大效果显著 |
| | 全面实施 |
| | 其他 |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 | 说明 |
|---|---|---|---|---|
| A1 | 分档 | A1_评估得分 | ≥95:8；≥90:6；≥85:4；≥80:2；其他:0 | 原文 90-94 分按下限理解，94.5 分得 6 分 |
| A2 | 选档 | A2_实施情况 | 力度大效果显著:8；全面实施:6；其他:A2_评定分 | |
| A3 | 满分 | | | |
| A3 | 低于标准扣分 | A3_完成率 | 标准=98；每=1；扣=0.2；方式=按比例 | 96.5% 扣 0.3 分 |
| A4 | 满分 | | | |
| A4 | 逐项扣分 | A4_月报表报送,A4_质量管理,A4_信息录入 | 每项=0.5 | |
| A5 | 满分 | | | |
| A5 | 计次扣分 | A5_非正常上访 | 每次=1 | 可扣成负分（最低分“不限”） |
| A5 | 酌情扣分 | A5_舆论扣分 | | |
| A5 | 否决 | A5_排名末位 | 后果=排名末位 | |
| A6 | 满分 | | | |
| A6 | 期限扣分 | A6_下达日期 | 2024-04-30:1.5；2024-07-31:1.5；2024-09-30:2 | 8 月 15 日下达扣 3 分 |
| A7 | 评分 | A7_队伍建设 | | |
| A7 | 评分 | A7_主题宣传 | | |
| B1 | 满分 | | | |
| B1 | 高于标准扣分 | B1_孕产妇死亡率 | 标准=14.5；扣=3；方式=一次性 | |
| B1 | 高于标准扣分 | B1_婴儿死亡率 | 标准=4；扣=3；方式=一次性 | |
| B2 | 分档 | B2_托位总数/B2_总人口*1000 | ≥3.5:8；其他:0 | 1900/520000×1000 = 3.65 得 8 分 |
| C1 | 计次加分 | C1_创新项数 | 每次=5；上限=10 | 3 项得 10 分 |

## 算例
| 指标编号 | 输入 | 应得分 | 否决 | 说明 |
|---|---|---|---|---|
| A1 | A1_评估得分=94.5 | 6 | | 90-94 分按下限理解 |
| A2 | A2_实施情况=全面实施 | 6 | | |
| A3 | A3_完成率=96.5% | 1.7 | | 差 1.5 个百分点扣 0.3 分 |
| A4 | A4_月报表报送=否；A4_质量管理=否；A4_信息录入=是 | 1 | | 两项未达要求各扣 0.5 分 |
| A5 | A5_非正常上访=7；A5_舆论扣分=0；A5_排名末位=否 | -2 | | 上不封顶：5 - 7 |
| A5 | A5_非正常上访=0；A5_舆论扣分=0；A5_排名末位=是 | 5 | 排名末位 | |
| A6 | A6_下达日期=2024-08-15 | 2 | | 错过前两个期限，扣 3 分 |
| A7 | A7_队伍建设=3；A7_主题宣传=2.5 | 5.5 | | |
| B1 | B1_孕产妇死亡率=15.2；B1_婴儿死亡率=3.1 | 3 | | 只有孕产妇死亡率高于标准 |
| B2 | B2_托位总数=1,800；B2_总人口=520,000 | 0 | | 3.46 个，不到 3.5 |
| C1 | C1_创新项数=3 | 10 | | 10 分封顶 |
"""


def example_sheets() -> dict[str, list[dict[str, object]]]:
    """The 示例 scheme as rows per sheet (what the 示例 sheet shows, block by block)."""
    return parse_markdown_sheets(EXAMPLE)


def starter_rows() -> dict[str, list[dict[str, object]]]:
    """The sheets as the author finds them: 设置 filled with the usual values, the rest headers only."""
    settings: list[dict[str, object]] = [{COL_SETTING: k, COL_CONTENT: v} for k, v in SETTING_HINTS.items()]
    settings.append({COL_SETTING: SET_NOTE, COL_CONTENT: "写法见「说明」工作表，例子见「示例」工作表"})
    return {SETTINGS: settings, BANDS: [], INDICATORS: [], FIELDS: [], CHOICES: [], RULES: [], EXAMPLES: []}


def write_starter(path: Path | str, kinds: Sequence[str]) -> Path:
    """Write the starter workbook at `path`; `kinds` are the rule kinds (famscore.rules.primary_kinds())."""
    from openpyxl import load_workbook

    path = write_scheme(starter_rows(), path)
    # Read back from bytes: the path may be a temporary file (.tmp), whose name openpyxl would refuse.
    book = load_workbook(io.BytesIO(path.read_bytes()))
    for name in COLUMNS:
        sheet = book[name]
        _all_columns(sheet, name)
        _header_notes(sheet, name)
        sheet.row_dimensions[1].height = 20
    _dropdowns(book, kinds)
    _guide(book.create_sheet(GUIDE_SHEET, 0), kinds)
    _example(book.create_sheet(EXAMPLE_SHEET))
    book.active = 0
    book.save(path)
    return path


def _all_columns(sheet: Any, name: str) -> None:
    """Headers of the optional columns too (读法, 填报方): the writer leaves them out of an empty sheet."""
    from openpyxl.styles import Font, PatternFill

    present = [c.value for c in sheet[1]]
    for header, width in COLUMNS[name]:
        if header in present:
            continue
        col = len(present) + 1
        cell = sheet.cell(row=1, column=col, value=header)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="4F6D8F")
        sheet.column_dimensions[cell.column_letter].width = width
        present.append(header)


def _header_notes(sheet: Any, name: str) -> None:
    from openpyxl.comments import Comment

    for cell in sheet[1]:
        note = HEADER_NOTES[name].get(str(cell.value))
        if note:
            comment = Comment(f"{cell.value}：{note}", "famscore")
            comment.width, comment.height = 300, 120
            cell.comment = comment


def _column(sheet: Any, header: str) -> str:
    for cell in sheet[1]:
        if cell.value == header:
            return str(cell.column_letter)
    raise KeyError(header)


def _list(
    sheet: Any, header: str, source: str, prompt: str, *, strict: bool = True, first_row: int = 2
) -> None:
    """A dropdown on `header`'s column; `strict=False` also lets the author type another value."""
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = _column(sheet, header)
    # One dropdown per column: drop any the writer already gave it (a cell with two is a repair in Excel).
    for old in list(sheet.data_validations.dataValidation):
        if any(str(cells).startswith(f"{letter}2") for cells in old.sqref.ranges):
            sheet.data_validations.dataValidation.remove(old)
    check = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=strict,
        errorTitle=header,
        error=f"请从下拉列表中选择{header}",
        promptTitle=header,
        prompt=prompt,
        showInputMessage=True,
    )
    check.add(f"{letter}{first_row}:{letter}{VALIDATED_ROWS}")
    sheet.add_data_validation(check)


def _quoted(words: Sequence[str]) -> str:
    return '"' + ",".join(words) + '"'


def _dropdowns(book: Any, kinds: Sequence[str]) -> None:
    ids = f"={INDICATORS}!${_column(book[INDICATORS], COL_ID)}$2:${_column(book[INDICATORS], COL_ID)}${VALIDATED_ROWS}"
    _list(book[INDICATORS], COL_KIND, _quoted([MAIN, BONUS]), "一级指标行：主要 或 附加")
    fields = book[FIELDS]
    _list(fields, COL_ITEM_ID, ids, "选择「指标」表中的二级指标编号", strict=False)
    _list(fields, COL_TYPE, _quoted(FIELD_TYPES), "选择字段类型")
    _list(fields, COL_REQUIRED, _quoted([REQUIRED_YES, REQUIRED_NO]), "留空为 是")
    _list(fields, COL_READING, _quoted(READINGS), "只用于百分比字段，一般留空")
    _list(fields, COL_FILLER, _quoted([FILLER_UNIT]), "选 单位，或直接输入考核部门名称", strict=False)
    rules = book[RULES]
    _list(rules, COL_ITEM_ID, ids, "选择「指标」表中的二级指标编号", strict=False)
    _list(rules, COL_RULE_KIND, _quoted(kinds), "选择规则类型，写法见「说明」工作表")
    examples = book[EXAMPLES]
    _list(examples, COL_ITEM_ID, ids, "选择要验算的二级指标编号", strict=False)
    _list(examples, COL_VETO, _quoted([VETO_NO_TOP, VETO_LAST]), "输入应触发否决时选择，否则留空")
    settings = book[SETTINGS]
    choices = {
        SET_GRADE_BASIS: [BASIS_MAIN, BASIS_TOTAL],
        SET_RANK_BASIS: [BASIS_TOTAL, BASIS_MAIN],
        SET_SELF_ASSESSMENT: [YES, NO],
    }
    for row in range(2, settings.max_row + 1):
        words = choices.get(str(settings.cell(row=row, column=1).value))
        if words:
            from openpyxl.worksheet.datavalidation import DataValidation

            check = DataValidation(
                type="list", formula1=_quoted(words), allow_blank=True, showErrorMessage=True
            )
            check.add(f"B{row}")
            settings.add_data_validation(check)


def _printable(sheet: Any) -> None:
    """Printed on landscape pages one sheet wide, as a clerk would print the guide."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


def _styled(sheet: Any, row: int, values: Sequence[object], *, bold: bool = False, fill: str = "") -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    lines = 1
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=col, value=value)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if bold:
            cell.font = Font(bold=True, color="FFFFFF" if fill else "000000")
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)
        width = sheet.column_dimensions[cell.column_letter].width or 10
        lines = max(lines, -(-text_width(str(value or "")) // max(int(width) - 1, 1)))
    # Excel sizes wrapped rows itself, but WPS and LibreOffice keep a saved file's default height.
    sheet.row_dimensions[row].height = 15 * lines


def _guide(sheet: Any, kinds: Sequence[str]) -> None:
    from openpyxl.styles import Font

    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 80
    sheet.column_dimensions["C"].width = 40
    title = sheet.cell(row=1, column=1, value="怎样写一份考评表")
    title.font = Font(bold=True, size=14)
    row = 3
    _styled(sheet, row, ["步骤", "做什么"], bold=True, fill="4F6D8F")
    for step, text in STEPS:
        row += 1
        _styled(sheet, row, [step, text])
    row += 2
    _styled(sheet, row, ["规则类型", "作用", "参数的写法（例）"], bold=True, fill="4F6D8F")
    for kind in kinds:
        row += 1
        what, params = KIND_GUIDE.get(kind, ("", ""))
        _styled(sheet, row, [kind, what, params])
    row += 2
    notes = (
        "每个表头单元格都有批注（鼠标移到表头右上角的红色三角上）说明这一列写什么。",
        "数字可以照纸质表写成 15分、3.5分；百分比字段的最小值、最大值可写 98%。",
        "完整说明见 famscore 的 docs/scheme-format.md。",
    )
    for text in notes:
        sheet.cell(row=row, column=1, value=text)
        row += 1
    _printable(sheet)


def _example(sheet: Any) -> None:
    from openpyxl.styles import Font

    # One set of widths for blocks with different columns: 参数 and 评分标准 get the room.
    widths = {
        "A": 18,
        "B": 32,  # 设置 内容, 算例 输入
        "C": 30,
        "D": 34,
        "E": 16,
        "F": 10,
        "G": 36,
        "H": 14,
        "I": 26,
        "J": 30,
        "K": 12,
    }
    for name, width in widths.items():
        sheet.column_dimensions[name].width = width
    intro = sheet.cell(
        row=1,
        column=1,
        value="一份完整的小考评表，每种规则类型至少用一次，famscore check 检查通过。把需要的行复制到同名工作表后修改。",
    )
    intro.font = Font(bold=True)
    row = 2
    for name, rows in example_sheets().items():
        row += 1
        sheet.cell(row=row, column=1, value=f"【{name}】").font = Font(bold=True, size=12)
        headers = _example_headers(name, rows)
        row += 1
        _styled(sheet, row, headers, bold=True, fill="4F6D8F")
        for values in rows:
            row += 1
            _styled(sheet, row, [values.get(h) for h in headers])
        row += 1
    _printable(sheet)


def _example_headers(name: str, rows: Sequence[Mapping[str, object]]) -> list[str]:
    """The sheet's columns in the usual order, only those the example fills."""
    return [h for h, _ in COLUMNS[name] if any(r.get(h) not in (None, "") for r in rows)]
