"""A variant is data (variants.py), never a branch on its name (issue 15 item 1).

The source of every view, service, form and template is scanned: comparing an
episode's variant with a name, or naming a variant other than the default,
belongs in the catalogue (rapport/ipt/catalogue.py, rapport/ipt/variants.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from rapport.ipt.catalogue import Variant

ROOT = Path(__file__).resolve().parents[2] / "rapport"
CATALOGUE = {ROOT / "ipt" / "catalogue.py", ROOT / "ipt" / "variants.py"}

CODES = "|".join(re.escape(v) for v in Variant.values if v != Variant.STANDARD)
BRANCHES = [
    # Variant.ADOLESCENT and friends: a member named outside the catalogue.
    re.compile(r"\bVariant\.(?!STANDARD\b|choices\b|values\b|labels\b|names\b)[A-Z_]+\b"),
    # variant == "…" or variant != '…': a comparison with a spelt-out name.
    re.compile(r"""variant\s*(==|!=)\s*["']"""),
    # A variant's code spelt in code or a template: "ipt_a", 'ipsrt', ...
    re.compile(rf"""["']({CODES})["']"""),
]


def offences(text: str) -> list[str]:
    return [match.group(0) for pattern in BRANCHES for match in pattern.finditer(text)]


def _sources() -> list[Path]:
    files = [*ROOT.rglob("*.py"), *ROOT.rglob("*.html")]
    return [f for f in files if "migrations" not in f.parts and f not in CATALOGUE]


def test_the_scan_recognises_a_branch_on_a_variant_name() -> None:
    assert offences("if episode.variant == catalogue.Variant.ADOLESCENT:")
    assert offences('{% if episode.variant == "ipt_a" %}')
    assert offences("adolescent = variant in (Variant.ADOLESCENT,)")
    assert offences("if episode.variant != 'group_x':")
    assert offences("variant=Variant.IPSRT")
    assert not offences("variant: str = catalogue.Variant.STANDARD")
    assert not offences("choices=Variant.choices")
    assert not offences("definition = variants.of(episode)")
    assert not offences("if to_variant == episode.variant:")


def test_no_view_service_form_or_template_branches_on_a_variant_name() -> None:
    found = {
        str(path.relative_to(ROOT.parent)): hits
        for path in _sources()
        if (hits := offences(path.read_text(encoding="utf-8")))
    }
    assert found == {}, (
        "Read the variant's definition (rapport/ipt/variants.py) instead of branching on "
        f"its name: {found}"
    )
