"""The operator's text files (the configuration, the directory), read as UTF-8 and YAML with what is wrong in one line:
a file saved in another encoding, a YAML mistake (its line and column), a key given twice (red team 110: each was a
traceback, or, for a key given twice, the last one silently taken)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class TextFileError(ValueError):
    """What is wrong with the file, in one line naming it."""


def read_utf8(path: Path) -> str:
    """The file's text; a byte-order mark (Windows Notepad's UTF-8) left out."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TextFileError(f"{path}: not UTF-8 text (byte {exc.start}): save it as UTF-8") from None


class _NoKeyTwice(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a mapping that gives a key twice (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:  # the mapping's own keys: a merge key's (`<<: *imap`) may be overridden here
            if key_node.tag == "tag:yaml.org,2002:merge":  # (red team 111: merge keys were refused)
                continue
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, (str, int, float, bool)) or key is None:
                if key in seen:
                    mark = key_node.start_mark
                    raise TextFileError(f"line {mark.line + 1}: the key {key!r} is given twice")
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(path: Path) -> Any:
    """The file's YAML document (None when empty)."""
    text = read_utf8(path)
    try:
        return yaml.load(text, Loader=_NoKeyTwice)  # noqa: S506 - a safe loader
    except TextFileError as exc:
        raise TextFileError(f"{path}: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise TextFileError(f"{path}: not valid YAML{where}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise TextFileError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from None
