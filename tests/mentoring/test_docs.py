"""The documentation says what the code does: the README opens with the two commands, and the
admin guide lists every CSV column and alias the importer accepts."""

import re
from pathlib import Path

from organizations.directory_import import COLUMN_ALIASES, COLUMN_LABELS

BASE_DIR = Path(__file__).resolve().parents[2]


def _key(header):
    return re.sub(r"[^0-9a-z]", "", header.casefold())


def test_readme_opens_with_the_two_commands():
    readme = (BASE_DIR / "README.md").read_text()
    first_block = re.search(r"```\w*\n(.*?)```", readme, re.DOTALL)[1]

    assert readme.index("```") < readme.index("\n## ")
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == ["make demo", "make test"]


def test_admin_guide_lists_every_import_column_and_alias():
    table = {
        cells[0].casefold(): cells[1].casefold()
        for line in (BASE_DIR / "docs/admin.md").read_text().splitlines()
        if line.startswith("| ") and len(cells := [c.strip() for c in re.split(r"(?<!\\)\|", line.strip("|"))]) == 3
    }

    for column, aliases in COLUMN_ALIASES.items():
        label = COLUMN_LABELS[column].casefold()
        assert label in table, f"docs/admin.md has no row for the {COLUMN_LABELS[column]} column"
        # Headers match ignoring case, spaces and punctuation, so "firstname" is "First name".
        documented = {_key(alias) for alias in table[label].split(",")} | {_key(label)}
        missing = {alias for alias in aliases if _key(alias) not in documented}
        assert not missing, f"{COLUMN_LABELS[column]}: aliases missing from docs/admin.md: {sorted(missing)}"
