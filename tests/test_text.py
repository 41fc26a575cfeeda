"""The one normaliser, clipper, width and near-miss suggester (famscore.text)."""

from famscore.names import name_key
from famscore.text import clip, closest, display, header_key, normalise, width, xml_safe


def test_normalise_folds_full_width_and_drops_invisible_characters() -> None:
    assert normalise("  ９５％\u200b ") == "95%"
    assert normalise("a\x07b\tc\nd") == "ab\tc\nd"
    assert normalise(95) == "95"


def test_header_key_forgives_spaces_and_full_width() -> None:
    assert header_key(" 填 报 值\u3000") == header_key("填报值") == "填报值"
    assert header_key("ＫＥＹ") == "KEY"


def test_name_key_is_built_on_the_normaliser() -> None:
    assert name_key("新泾镇 【虹桥】\u200b") == name_key("新泾镇（虹桥）") == "新泾镇(虹桥)"


def test_display_keeps_what_was_written() -> None:
    assert display("新华\u200b街道  （试行）") == "新华街道 （试行）"
    assert display(2023.0) == "2023"
    assert display(None) == ""


def test_clip_and_width() -> None:
    assert clip("一二三四五", 3) == "一二…"
    assert clip("短", 3) == "短"
    assert width("ab新华") == 6
    assert width("3×“是”") == 6  # narrow in Calibri, the summary's font
    assert width("3×“是”", ambiguous_wide=True) == 9  # wide in 宋体, the templates' font


def test_xml_safe_drops_every_character_an_xlsx_cannot_hold() -> None:
    # U+FFFE and U+FFFF are as illegal in XML as the C0 controls; tab and newline are kept.
    assert xml_safe("a\x00b\x1fc\ufffed\uffffe\tf\ng") == "abcde\tf\ng"


def test_closest_suggests_a_near_miss_only() -> None:
    assert closest("B3_rat", ["B3_rate", "A1"]) == "B3_rate"
    assert closest("zzz", ["B3_rate", "A1"]) is None
    assert closest("新华", ["新华街道办事处", "江苏路街道"]) is None
    assert closest("新华", ["新华街道办事处", "江苏路街道"], loose=True) == "新华街道办事处"
