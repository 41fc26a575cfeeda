"""The committed example returns, scored through the real pipeline, against scores worked out by hand.

Every expected number below was calculated by hand from examples/<slug>/returns.md and the rules in
examples/<slug>/scheme.md — not copied from famscore's output. For a few units per scheme the item-by-item
arithmetic is written out so that a reader can audit it; for every unit the category subtotals, main
score, bonus, total and grade are given. The returns are read from examples/<slug>/returns/ (made by
scripts/build_returns.py with the real `famscore template` workbook) by famscore.batch.read_folder and
scored by famscore.scoring.score_batch; the CLI is run on the same folders with typer's CliRunner.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from famscore.batch import read_folder
from famscore.cli import app
from famscore.names import name_key
from famscore.rules.flags import Effect, Flag
from famscore.scheme.loader import load_scheme
from famscore.scoring import BatchResult, UnitResult, score_batch
from famscore.templates import build_template, template_filename
from famscore.units import read_units_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SLUGS = ("changning-2023", "qingpu-2020", "city-2023")
sys.path.insert(0, str(ROOT / "scripts"))

from build_returns import read_returns_table  # noqa: E402


@cache
def scored(slug: str) -> BatchResult:
    folder = EXAMPLES / slug
    scheme = load_scheme(folder / "考评表.xlsx")
    data, notes = read_folder(folder / "returns", scheme, workers=1)
    return score_batch(scheme, data, read_units_file(folder / "units.txt"), notes)


def unit(slug: str, name: str) -> UnitResult:
    return next(u for u in scored(slug).units if u.unit == name)


def d(text: str) -> Decimal:
    return Decimal(text)


# ---------------------------------------------------------------- 长宁区 2023

# unit: (category subtotals A B C D E F G | H 创新, main, bonus, total, grade)
CHANGNING = {
    "新华街道": (("10", "5", "15", "23", "5.5", "5.88", "34.5", "20"), "98.88", "20", "118.88", "优秀"),
    "江苏街道": (("6.5", "4", "12.5", "20.5", "5.5", "5.7", "31", "5"), "85.7", "5", "90.7", "良好"),
    "华阳街道": (("9", "4", "13", "18", "6", "5.2", "32.5", "3"), "87.7", "3", "90.7", "良好"),
    "周桥街道": (("7", "5", "15", "21", "6", "6", "28.5", "0"), "88.5", "0", "88.5", "良好"),
    "天山街道": (("10", "4", "15", "23", "6", "6", "34.3", "5"), "98.3", "5", "103.3", "优秀"),
    "仙霞街道": (("6", "4", "13", "19", "5.5", "5.8", "31.2", "5"), "84.5", "5", "89.5", "一般"),
    "虹桥街道": (("5", "4", "12.5", "10.5", "3.5", "5.3", "29.4", "0"), "70.2", "0", "70.2", "不合格"),
    "程桥街道": (("7", "5", "13", "19", "6", "6", "34", "8"), "90", "8", "98", "优秀"),
    "北新泾街道": (("10", "5", "15", "16.5", "5", "5.9", "32.1", "10"), "89.5", "10", "99.5", "良好"),
    "新泾镇": (("8", "1.5", "7", "14.5", "6", "6", "33", "10"), "76", "10", "86", "一般"),
}
# Ranked by total; 华阳 and 江苏 tie at 90.7 (shared 5th, the next is 7th); 周桥 is forced last.
CHANGNING_RANKS = {
    "新华街道": 1,
    "天山街道": 2,
    "北新泾街道": 3,
    "程桥街道": 4,
    "华阳街道": 5,
    "江苏街道": 5,
    "仙霞街道": 7,
    "新泾镇": 8,
    "虹桥街道": 9,
    "周桥街道": 10,
}

# fmt: off
CHANGNING_ITEMS = {
    # main = 5 + 2 + 3  (A1 效果显著具有亮点特色 5, A2 评定 2, A3 名次 2 在 1-3 档 3)
    #      + 3 + 2      (B1 3 − 0×5, B2 积极申报试点 2)
    #      + 7 + 8      (C1 评定 7 − 0×5, C2 力度大效果显著 8)
    #      + 9 + 4 + 2 + 8   (D1 承接市区级活动 9, D2 98.6% ≥95 得 4 且三项均“是”, D3 2, D4 97.5 ≥95 得 8)
    #      + 3 + 2.5    (E1 3 − 0×2, E2 2.5)
    #      + 2 + 2 + 1.88    (F1, F2, F3 2 − (98 − 97.4)×0.2 = 2 − 0.12)
    #      + 2 + 2 + 5 + 4 + 4 + 17.5  (G3 无扣分; G5 录用 5 篇 ≥3 得 4、各月均 ≥3 篇; G6 3+3+4+3.5+4)
    #      = 10 + 5 + 15 + 23 + 5.5 + 5.88 + 34.5 = 98.88;  bonus H1 国家级 20;  total 118.88
    "新华街道": {
        "A1": "5", "A2": "2", "A3": "3", "B1": "3", "B2": "2", "C1": "7", "C2": "8",
        "D1": "9", "D2": "4", "D3": "2", "D4": "8", "E1": "3", "E2": "2.5",
        "F1": "2", "F2": "2", "F3": "1.88",
        "G1": "2", "G2": "2", "G3": "5", "G4": "4", "G5": "4", "G6": "17.5", "H1": "20",
    },
    # main = 3 + 2 + 2  (A1 覆盖全街道宣传 3, A2 2, A3 名次 7 在 4-7 档 2)
    #      + 3 + 2 + 7 + 8      (B1, B2 积极申报试点, C1 7 − 0, C2 力度大效果显著)
    #      + 7 + 4 + 2 + 8      (D1 全面开展 7, D2 96% 得 4, D3 2, D4 恰好 95 得 8)
    #      + 3 + 3 + 2 + 2 + 2  (E1, E2, F1, F2, F3 99% ≥98 得 2)
    #      + 2 + 2 + (−1.5) + 4 + 4 + 18
    #        G3 = 5 − 2×1 (去京非正常上访 2 人次) − 1×1 (未积极处置) − 1×0.5 (交办未解决) − 3 (重大舆论) = −1.5
    #      = 7 + 5 + 15 + 21 + 6 + 6 + 28.5 = 88.5;  H1 无 0;  排名末位
    "周桥街道": {
        "A1": "3", "A2": "2", "A3": "2", "B1": "3", "B2": "2", "C1": "7", "C2": "8",
        "D1": "7", "D2": "4", "D3": "2", "D4": "8", "E1": "3", "E2": "3",
        "F1": "2", "F2": "2", "F3": "2",
        "G1": "2", "G2": "2", "G3": "-1.5", "G4": "4", "G5": "4", "G6": "18", "H1": "0",
    },
    # main = 3.5 + 1.5 + 0  (A1 选“其他”评定 3.5, A2 1.5, A3 未参赛填 99 按其他 0)
    #      + 3 + 1          (B1, B2 完成宣传督促工作 1)
    #      + 6.5 + 6        (C1 评定 6.5 − 0, C2 选“其他”评定 6)
    #      + 7 + 2 + 1.5 + 0     (D1 全面开展; D2 91.5% 未达 95 评定 2.5 − 1 项“否”×0.5; D3 2 − 0.5; D4 78 <80 得 0)
    #      + 1 + 2.5        (E1 3 − 1 个点位×2, E2 2.5)
    #      + 2 + 2 + 1.3    (F3 2 − (98 − 94.5)×0.2 = 2 − 0.7)
    #      + 2 + 2 + 4.4 + 3.5 + 1 + 16.5
    #        G3 = 5 − 1×0.2 − 2×0.2 = 4.4; G5 录用 3 篇得 4, 各月 3,4,3,2,3,3,1 缺 1+2 = 3 篇 → 4 − 3 = 1;
    #        G6 = 3 + 3 + 3.5 + 3.5 + 3.5
    #      = 5 + 4 + 12.5 + 10.5 + 3.5 + 5.3 + 29.4 = 70.2;  H1 无 0
    "虹桥街道": {
        "A1": "3.5", "A2": "1.5", "A3": "0", "B1": "3", "B2": "1", "C1": "6.5", "C2": "6",
        "D1": "7", "D2": "2", "D3": "1.5", "D4": "0", "E1": "1", "E2": "2.5",
        "F1": "2", "F2": "2", "F3": "1.3",
        "G1": "2", "G2": "2", "G3": "4.4", "G4": "3.5", "G5": "1", "G6": "16.5", "H1": "0",
    },
    # main = 5 + 2 + 1      (A1 效果显著 5, A2 2, A3 名次 9 在 8-10 档 1)
    #      + 0 + 1.5        (B1 3 − 1 件×5 = −2，本项最低 0 分; B2 选“其他”评定 1.5)
    #      + 1 + 6          (C1 评定 6 − 1 人次×5 = 1; C2 全面实施 6)
    #      + 7 + 3.5 + 2 + 2     (D2 95.5% 得 4 − 月报表报送“否”0.5; D4 83 在 80-84 档 2)
    #      + 3 + 3 + 2 + 2 + 2   (F3 98.2% 得 2)
    #      + 2 + 2 + 5 + 4 + 4 + 16   (G6 3 + 3 + 3.5 + 3 + 3.5)
    #      = 8 + 1.5 + 7 + 14.5 + 6 + 6 + 33 = 76;  H1 市级 10;  total 86
    "新泾镇": {
        "A1": "5", "A2": "2", "A3": "1", "B1": "0", "B2": "1.5", "C1": "1", "C2": "6",
        "D1": "7", "D2": "3.5", "D3": "2", "D4": "2", "E1": "3", "E2": "3",
        "F1": "2", "F2": "2", "F3": "2",
        "G1": "2", "G2": "2", "G3": "5", "G4": "4", "G5": "4", "G6": "16", "H1": "10",
    },
}
# fmt: on

# ---------------------------------------------------------------- 青浦区 2020

# unit: (category subtotals A B C D E F | G 工作创新, main, bonus, total, grade)
QINGPU = {
    "夏阳街道": (("11.5", "13", "16.5", "26", "9", "13.5", "5"), "89.5", "5", "94.5", "优良"),
    "盈浦街道": (("12.5", "15", "17.5", "29.3", "9.5", "14", "10"), "97.8", "10", "107.8", "优秀"),
    "香花桥街道": (("12.5", "12", "17.5", "29", "9", "8", "0"), "88", "0", "88", "优良"),
    "朱家角镇": (("12", "14.25", "16", "28.5", "9", "11.5", "5"), "91.25", "5", "96.25", "优秀"),
    "练塘镇": (("9", "12.75", "14.5", "25", "8.5", "11.5", "5"), "81.25", "5", "86.25", "达标"),
    "金泽镇": (("10", "11.5", "15", "25", "9.5", "8.5", "5"), "79.5", "5", "84.5", "不达标"),
    "赵巷镇": (("11.5", "12.5", "15.5", "27.6", "9", "10", "5"), "86.1", "5", "91.1", "优良"),
    "徐泾镇": (("13", "12.8", "17.5", "27.8", "10", "12", "10"), "93.1", "10", "103.1", "优秀"),
    "华新镇": (("9.5", "12", "15", "26.1", "9.5", "9", "10"), "81.1", "10", "91.1", "达标"),
    "重固镇": (("9", "8.25", "15", "18.4", "9.5", "5.5", "0"), "65.65", "0", "65.65", "不达标"),
    "白鹤镇": (("9", "10", "14.5", "27.5", "9", "10", "0"), "80", "0", "80", "达标"),
}
# 华新 (达标) and 赵巷 (优良) tie at 91.1: ranks go by total, grades by the main score.
QINGPU_RANKS = {
    "盈浦街道": 1,
    "徐泾镇": 2,
    "朱家角镇": 3,
    "夏阳街道": 4,
    "华新镇": 5,
    "赵巷镇": 5,
    "香花桥街道": 7,
    "练塘镇": 8,
    "金泽镇": 9,
    "白鹤镇": 10,
    "重固镇": 11,
}

# fmt: off
QINGPU_ITEMS = {
    # main = 2 + 3.5 + 3.5   (A1 一般 2, A2 3.5, A3 3.5)
    #      + 6 + 0 + 2.25    (B1 高质量完成 6, B2 没有开展 0, B3 4 − (99 − 95.5)×0.5 = 4 − 1.75)
    #      + 14 + 1          (C1 4 + 3 + 2.5 + 4.5, C2 一般 1)
    #      + 3 + 1.5 + 0 + 3 + (−0.6) + 4 + 7.5
    #        D2 2 − 1 项“否”×0.5; D3 反馈率 92.6% <95 得 0、无结果率 8.3% >5 得 0;
    #        D5 = 8 − 3×0.5 − 6×0.2 − 25×0.1 − 2×0.2 − 3×1 = 8 − 1.5 − 1.2 − 2.5 − 0.4 − 3 = −0.6
    #      + 9.5
    #      + 3.5 + 2 + 0     (F1 93% 未达 95 评定 3.5、三项均“是”; F2 2; F3 78.5 <80 得 0)
    #      = 9 + 8.25 + 15 + 18.4 + 9.5 + 5.5 = 65.65;  G1 0 项 0
    "重固镇": {
        "A1": "2", "A2": "3.5", "A3": "3.5", "B1": "6", "B2": "0", "B3": "2.25", "C1": "14", "C2": "1",
        "D1": "3", "D2": "1.5", "D3": "0", "D4": "3", "D5": "-0.6", "D6": "4", "D7": "7.5",
        "E1": "9.5", "F1": "3.5", "F2": "2", "F3": "0", "G1": "0",
    },
    # main = 4 + 3.5 + 4.5   (A1 好 4)
    #      + 6 + 5 + 3.25    (B2 质量较高按原文 6 分、超过本项分值 5 按 5 计; B3 4 − (99 − 97.5)×0.5 = 4 − 0.75)
    #      + 14 + 2          (C1 3.5 + 3 + 3 + 4.5, C2 较好 2)
    #      + 3 + 2 + 2 + 2.5 + 8 + 4 + 7   (D3 反馈率恰好 95% 得 1、无结果率恰好 5% 得 1; D5 无扣分)
    #      + 9
    #      + 3.5 + 2 + 6     (F1 96% 得 4 − 质量管理措施“否”0.5; F3 91.5 在 90-94 档 6)
    #      = 12 + 14.25 + 16 + 28.5 + 9 + 11.5 = 91.25;  G1 1 项×5 = 5;  total 96.25
    "朱家角镇": {
        "A1": "4", "A2": "3.5", "A3": "4.5", "B1": "6", "B2": "5", "B3": "3.25", "C1": "14", "C2": "2",
        "D1": "3", "D2": "2", "D3": "2", "D4": "2.5", "D5": "8", "D6": "4", "D7": "7",
        "E1": "9", "F1": "3.5", "F2": "2", "F3": "6", "G1": "5",
    },
    # main = 4 + 4 + 4.5 + 6 + 5 + 4   (B2 质量较高 6 → 封顶 5; B3 99.3% ≥99 不扣)
    #      + 14.5 + 3                  (C1 4 + 3 + 3 + 4.5, C2 好 3)
    #      + 3 + 2 + 2 + 3 + 7.8 + 4 + 7.5   (D3 98.2% 与 2.1% 各得 1; D5 8 − 1×0.2)
    #      + 9.5 + 4 + 2 + 8           (F1 97.3% 得 4; F3 96 ≥95 得 8)
    #      = 12.5 + 15 + 17.5 + 29.3 + 9.5 + 14 = 97.8;  G1 3 项×5 = 15，10 分为止;  total 107.8
    "盈浦街道": {
        "A1": "4", "A2": "4", "A3": "4.5", "B1": "6", "B2": "5", "B3": "4", "C1": "14.5", "C2": "3",
        "D1": "3", "D2": "2", "D3": "2", "D4": "3", "D5": "7.8", "D6": "4", "D7": "7.5",
        "E1": "9.5", "F1": "4", "F2": "2", "F3": "8", "G1": "10",
    },
}
# fmt: on

# ---------------------------------------------------------------- 某市 2023（不分等级）

# unit: (category subtotals A–H, total); no bonus, no grade
CITY = {
    "城东区": (("17", "12", "12", "12", "12", "12", "11.5", "8"), "96.5"),
    "城西区": (("20", "10", "12", "11", "9", "12", "10", "8"), "92"),
    "城南区": (("20", "8", "12", "8", "6", "12", "11", "8"), "85"),
    "城北区": (("14", "11", "12", "10.5", "12", "12", "11.5", "8"), "91"),
    "滨江区": (("20", "12", "12", "12", "12", "12", "11.5", "8"), "99.5"),
    "新港区": (("11", "12", "12", "6", "6", "9", "7.5", "8"), "71.5"),
    "高新区": (("20", "12", "12", "10", "12", "12", "11", "8"), "97"),
    "经开区": (("20", "12", "9", "7", "12", "12", "11", "8"), "91"),
}
CITY_RANKS = {
    "滨江区": 1,
    "高新区": 2,
    "城东区": 3,
    "城西区": 4,
    "城北区": 5,
    "经开区": 5,
    "城南区": 7,
    "新港区": 8,
}

# fmt: off
CITY_ITEMS = {
    # total = 5 + 6 + 0     (A1 8 − 研究人口工作“否”3; A2 6; A3 1120 ÷ 350000 × 1000 = 3.2 <3.5 得 0)
    #       + 4 + 4 + 4     (B3 min(96.1, 95.3) ≥95, 2650 ÷ 2710 = 97.8% ≥90)
    #       + 6 + 6
    #       + 6 + 0         (D1 99.5%: 差 0.5 不满 1 档不扣; D2 6 − 2×2 (到位率 88% 差 12 满 2 档)
    #                        − 1.5 − 1.5 − 2 (下达“未完成”) − 1 (支出 72.5% <85) = −4，最低 0)
    #       + 6 + 0         (E1 0/10万、3.7‰ 不扣; E2 覆盖率 88.6% <90 扣 6)
    #       + 6 + 3         (F2 配套资金未及时到位扣 3)
    #       + 4.5 + 3       (G1 评定 4.5; G2 6 − 推诿上行进京访 1×3)
    #       + 4 + 4
    #       = 11 + 12 + 12 + 6 + 6 + 9 + 7.5 + 8 = 71.5
    "新港区": {
        "A1": "5", "A2": "6", "A3": "0", "B1": "4", "B2": "4", "B3": "4", "C1": "6", "C2": "6",
        "D1": "6", "D2": "0", "E1": "6", "E2": "0", "F1": "6", "F2": "3", "G1": "4.5", "G2": "3",
        "H1": "4", "H2": "4",
    },
    # total = 8 + 6 + 6     (A3 1450 ÷ 380000 × 1000 = 3.82 ≥3.5 得 6)
    #       + 4 + 4 + 4     (B3 min(95.6, 95.2) = 95.2 ≥95; 3010 ÷ 3090 = 97.4% ≥90)
    #       + 6 + 3         (C2 专职人员“否”扣 3)
    #       + 6 + 1         (D2 6 − 2 (到位率 92% 差 8 满 1 档) − 1.5 − 1.5 (2024-08-15 下达，
    #                        错过 4 月 30 日和 7 月 31 日) − 0 (支出 88% ≥85))
    #       + 6 + 6 + 6 + 6
    #       + 5 + 6 + 4 + 4
    #       = 20 + 12 + 9 + 7 + 12 + 12 + 11 + 8 = 91
    "经开区": {
        "A1": "8", "A2": "6", "A3": "6", "B1": "4", "B2": "4", "B3": "4", "C1": "6", "C2": "3",
        "D1": "6", "D2": "1", "E1": "6", "E2": "6", "F1": "6", "F2": "6", "G1": "5", "G2": "6",
        "H1": "4", "H2": "4",
    },
    # total = 8 + 6 + 0     (A3 1800 ÷ 520000 × 1000 = 3.46 <3.5 得 0)
    #       + 4 + 4 + 3     (B3 4 − 1: 4100 ÷ 4620 = 88.7% <90)
    #       + 6 + 6
    #       + 6 + 4.5       (D2 2024-07-10 下达，错过 4 月 30 日扣 1.5)
    #       + 6 + 6 + 6 + 6
    #       + 5.5 + 6 + 4 + 4
    #       = 14 + 11 + 12 + 10.5 + 12 + 12 + 11.5 + 8 = 91
    "城北区": {
        "A1": "8", "A2": "6", "A3": "0", "B1": "4", "B2": "4", "B3": "3", "C1": "6", "C2": "6",
        "D1": "6", "D2": "4.5", "E1": "6", "E2": "6", "F1": "6", "F2": "6", "G1": "5.5", "G2": "6",
        "H1": "4", "H2": "4",
    },
}
# fmt: on


# ---------------------------------------------------------------- checks


def check_table(slug: str, table: dict, has_bonus: bool = True) -> None:
    batch = scored(slug)
    cat_ids = [c.id for c in batch.scheme.categories]
    for name, row in table.items():
        result = unit(slug, name)
        if has_bonus:
            cats, main, bonus, total, grade = row
            assert (result.main, result.bonus, result.total, result.grade) == (
                d(main),
                d(bonus),
                d(total),
                grade,
            ), name
        else:
            cats, total = row
            assert (result.main, result.bonus, result.total) == (d(total), d(0), d(total)), name
            assert result.grade == ""
        assert [result.categories[c] for c in cat_ids] == [d(c) for c in cats], name
    assert len(batch.units) == len(table)


def check_items(slug: str, items: dict[str, dict[str, str]]) -> None:
    for name, expected in items.items():
        result = unit(slug, name)
        assert {s.item.id: s.score for s in result.items} == {k: d(v) for k, v in expected.items()}, name


def check_ranks(slug: str, ranks: dict[str, int]) -> None:
    batch = scored(slug)
    assert {u.unit: u.rank for u in batch.units} == ranks
    assert [u.rank for u in batch.units] == sorted(ranks.values())  # listed in rank order


# ---------------------------------------------------------------- the returns themselves


@pytest.mark.parametrize("slug", SLUGS)
def test_every_listed_unit_returned_a_clean_template_workbook(slug: str) -> None:
    batch = scored(slug)
    assert batch.problems == []
    units = read_units_file(EXAMPLES / slug / "units.txt")
    assert sorted(u.unit for u in batch.units) == sorted(units)
    assert all(u.complete for u in batch.units)
    assert batch.files == len(units)


@pytest.mark.parametrize("slug", SLUGS)
def test_returns_are_famscore_templates_of_the_current_scheme(slug: str) -> None:
    scheme = load_scheme(EXAMPLES / slug / "考评表.xlsx")
    results, notes = read_folder(EXAMPLES / slug / "returns", scheme, workers=1)
    data = [r.data for r in results if r.review is None]
    reviews = [r.review for r in results if r.review is not None]
    assert notes == []
    # One 评分表 per department, recognised by its _meta, of this very scheme.
    assert sorted(r.department for r in reviews) == sorted(scheme.departments)
    for review in reviews:
        assert review.meta["指纹"] == scheme.fingerprint
        assert review.problems == [] and review.identity == []
    for ret in data:
        assert ret.unit_from == "_meta"
        assert ret.meta["指纹"] == scheme.fingerprint
        assert ret.meta["版本"] == scheme.version
        assert ret.problems == []


@pytest.mark.parametrize("slug", SLUGS)
def test_returns_are_the_template_with_only_returns_md_values_filled_in(slug: str, tmp_path: Path) -> None:
    """Each return is what `famscore template` makes for its unit (the unit's own fields only), plus
    exactly the unit's figures of returns.md; each 评分表 holds exactly its department's figures."""
    scheme = load_scheme(EXAMPLES / slug / "考评表.xlsx")
    _, table = read_returns_table(EXAMPLES / slug / "returns.md")
    results, _ = read_folder(EXAMPLES / slug / "returns", scheme, workers=1)
    reviews = {r.review.department: r.review for r in results if r.review is not None}
    for unit_name, all_figures in table.items():
        figures = {k: v for k, v in all_figures.items() if scheme.fields[k].by_unit}
        key = name_key(unit_name)
        for department, review in reviews.items():
            theirs = {k: v for k, v in all_figures.items() if scheme.fields[k].filler == department}
            read = {k: _plain(v.value) for k, v in review.values.get(key, {}).items()}
            assert read == {k: _plain(v) for k, v in theirs.items()}, (unit_name, department)
        name = template_filename(scheme, unit_name)
        blank = openpyxl.load_workbook(
            build_template(scheme, unit_name, tmp_path / name, unit_only=scheme.two_party)
        )
        filled = openpyxl.load_workbook(EXAMPLES / slug / "returns" / name)
        assert filled.sheetnames == blank.sheetnames
        header_row, key_col, value_col = _entry_columns(blank["填报"])
        entered: dict[str, object] = {}
        for sheet in blank.worksheets:
            other = filled[sheet.title]
            assert (other.max_row, other.max_column) == (sheet.max_row, sheet.max_column)
            for row in sheet.iter_rows():
                for c in row:
                    now = other.cell(c.row, c.column).value
                    if sheet.title == "填报" and c.column == value_col and c.row > header_row:
                        if now is not None:
                            key = sheet.cell(c.row, key_col).value
                            entered[key] = now.date() if isinstance(now, dt.datetime) else now
                    elif not (sheet.title == "_meta" and sheet.cell(c.row, 1).value == "生成时间"):
                        assert now == c.value, (name, sheet.title, c.coordinate)
        assert entered == figures, name


def _plain(value: object) -> object:
    """A figure as returns.md writes it and as the reader types it, compared alike (96.5 and 96.5%)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).normalize()
    return value


def _entry_columns(sheet: Any) -> tuple[int, int, int]:
    for row in sheet.iter_rows(max_row=10):
        headers = {c.value: c.column for c in row if c.value}
        if "字段编号" in headers and "填报值" in headers:
            return row[0].row, headers["字段编号"], headers["填报值"]
    raise AssertionError("no 字段编号/填报值 header row")


# ---------------------------------------------------------------- 长宁


def test_changning_totals_and_grades() -> None:
    check_table("changning-2023", CHANGNING)


def test_changning_item_by_item() -> None:
    check_items("changning-2023", CHANGNING_ITEMS)


def test_changning_ranks_tie_and_forced_last() -> None:
    check_ranks("changning-2023", CHANGNING_RANKS)
    batch = scored("changning-2023")
    hua, jiang = unit("changning-2023", "华阳街道"), unit("changning-2023", "江苏街道")
    assert hua.total == jiang.total == d("90.7") and hua.main != jiang.main
    zhouqiao = unit("changning-2023", "周桥街道")
    assert zhouqiao.forced_last and batch.units[-1] is zhouqiao
    assert any(f.effect is Effect.LAST for f in zhouqiao.flags)
    # without the veto 88.5 would rank 8th, above 新泾镇 (86) and 虹桥街道 (70.2)
    assert zhouqiao.total > unit("changning-2023", "新泾镇").total
    assert [u.unit for u in batch.units if u.flags] == ["周桥街道"]


def test_changning_negative_petition_score() -> None:
    g3 = unit("changning-2023", "周桥街道").item("G3")
    assert g3.score == d("-1.5")  # 5 − 2 − 1 − 0.5 − 3; 扣分上不封顶


def test_changning_every_band_is_used_and_lower_bounds_hold() -> None:
    counts = scored("changning-2023").grade_counts()
    assert counts == {"优秀": 3, "良好": 4, "一般": 2, "不合格": 1}
    assert unit("changning-2023", "程桥街道").grade == "优秀"  # exactly 90
    assert unit("changning-2023", "北新泾街道").grade == "良好"  # 89.5, total 99.5 counts only for rank
    assert unit("changning-2023", "仙霞街道").grade == "一般"  # 84.5


# ---------------------------------------------------------------- 青浦


def test_qingpu_totals_and_grades() -> None:
    check_table("qingpu-2020", QINGPU)


def test_qingpu_item_by_item() -> None:
    check_items("qingpu-2020", QINGPU_ITEMS)


def test_qingpu_ranks_and_tie_across_grades() -> None:
    check_ranks("qingpu-2020", QINGPU_RANKS)
    huaxin, zhaoxiang = unit("qingpu-2020", "华新镇"), unit("qingpu-2020", "赵巷镇")
    assert huaxin.total == zhaoxiang.total == d("91.1")
    assert (huaxin.grade, zhaoxiang.grade) == ("达标", "优良")
    assert all(not u.flags for u in scored("qingpu-2020").units)


def test_qingpu_negative_petition_score_and_capped_items() -> None:
    assert unit("qingpu-2020", "重固镇").item("D5").score == d("-0.6")
    # 质量较高 is worth 6 in the source but the item is worth 5
    assert unit("qingpu-2020", "香花桥街道").item("B2").score == d(5)
    # 3 innovations × 5 = 15, 10 分为止
    assert unit("qingpu-2020", "盈浦街道").bonus == d(10)


def test_qingpu_every_band_is_used() -> None:
    counts = scored("qingpu-2020").grade_counts()
    assert counts == {"优秀": 3, "优良": 3, "达标": 3, "不达标": 2}
    assert unit("qingpu-2020", "夏阳街道").grade == "优良"  # 89.5
    assert unit("qingpu-2020", "白鹤镇").grade == "达标"  # exactly 80
    assert unit("qingpu-2020", "金泽镇").grade == "不达标"  # 79.5


# ---------------------------------------------------------------- 市对区


def test_city_totals() -> None:
    check_table("city-2023", CITY, has_bonus=False)


def test_city_item_by_item() -> None:
    check_items("city-2023", CITY_ITEMS)


def test_city_ranks_tie_and_no_top_flag() -> None:
    check_ranks("city-2023", CITY_RANKS)
    binjiang = unit("city-2023", "滨江区")
    assert binjiang.rank == 1 and binjiang.no_top
    assert binjiang.flags == [Flag(Effect.NO_TOP, "发生较大生产安全事故")]
    assert [u.unit for u in scored("city-2023").units if u.flags] == ["滨江区"]


def test_city_ratio_deadlines_and_steps() -> None:
    # 托位: 1900 ÷ 520000 × 1000 = 3.65 → 6; 1800 ÷ 520000 × 1000 = 3.46 → 0
    assert unit("city-2023", "高新区").item("A3").score == d(6)
    assert unit("city-2023", "城北区").item("A3").score == d(0)
    # 项目资金下达: 2024-04-30 on the deadline → 0; 07-10 → −1.5; 08-15 (with 92% → −2) → 6 − 5 = 1
    assert unit("city-2023", "城东区").item("D2").score == d(6)
    # 经费到位率 97.5%: 2 whole steps × 2 = −4; 98.6%: 1 step → −2
    assert unit("city-2023", "城南区").item("D1").score == d(2)
    assert unit("city-2023", "高新区").item("D1").score == d(4)
    # 孕产妇死亡率 15.2/10万 > 14.5 → −3; 婴儿死亡率 3.1‰ ≤ 4 → 0
    assert unit("city-2023", "城西区").item("E1").score == d(3)


# ---------------------------------------------------------------- the command line on the same files


@pytest.mark.parametrize(
    ("slug", "expected"),
    [("changning-2023", CHANGNING_RANKS), ("qingpu-2020", QINGPU_RANKS), ("city-2023", CITY_RANKS)],
)
def test_cli_scores_each_example_cleanly(slug: str, expected: dict[str, int], tmp_path: Path) -> None:
    folder = EXAMPLES / slug
    summary, out_json = tmp_path / "汇总.xlsx", tmp_path / "result.json"
    result = CliRunner().invoke(
        app,
        [
            "score",
            str(folder / "考评表.xlsx"),
            str(folder / "returns"),
            "--units-file",
            str(folder / "units.txt"),
            "-o",
            str(summary),
            "--json",
            str(out_json),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert summary.is_file()
    payload = json.loads(out_json.read_text(encoding="utf-8"))
    assert payload["problems"] == []
    assert {u["unit"]: u["rank"] for u in payload["units"]} == expected


def test_cli_explain_names_the_unit() -> None:
    folder = EXAMPLES / "changning-2023"
    result = CliRunner().invoke(
        app, ["explain", str(folder / "考评表.xlsx"), str(folder / "returns"), "--unit", "周桥街道"]
    )
    assert result.exit_code == 0, result.output
    assert "周桥街道" in result.output
