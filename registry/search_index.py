"""The full-text index of the incoming register, as migration 0012 makes it and registry/search.py
asks it: the issuer, the type and the summary of each document, without tones or case.

What is here is the index's definition: change it only with a new migration."""

from __future__ import annotations

from vntext import fold

FTS_COLUMNS = ("organ_name", "organ_parent", "type_name", "subject")
SQLITE_FTS_TABLE = "documents_search"


def _tone_map() -> tuple[str, str]:
    """Every Latin letter with a mark (and A-Z) and the bare lower-case letter it folds to: the
    arguments of PostgreSQL's translate(), which then folds as vntext.fold does ('Đ' -> 'd')."""
    source, target = [], []
    for code in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        letter = chr(code)
        bare = fold(letter).lower()
        if len(bare) == 1 and bare.isascii() and bare.isalpha() and bare != letter:
            source.append(letter)
            target.append(bare)
    return "".join(source), "".join(target)


TONES, BARE = _tone_map()
# and "/" a space: PostgreSQL's parser keeps "26/2020/qd-ubnd" and "v/v" one token, SQLite's splits them (red team 65:
# a summary's words beside a "/" were found on one database and not the other; migration 0017)
TONES, BARE = TONES + "/", BARE + " "


# PostgreSQL folds with a function of ours (immutable: an index may use it), as vntext.fold does
POSTGRES_FOLD_SQL = (f"CREATE FUNCTION qlvb_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
                     f"AS $$ SELECT translate(coalesce($1, ''), '{TONES}', '{BARE}') $$")


def postgres_folded(column: str) -> str:
    return f"qlvb_fold({column})"


# the issuer weighs A, the type B, the summary C: a query asks each part by its weight
POSTGRES_VECTOR = (
    f"setweight(to_tsvector('simple', {postgres_folded('organ_name')} || ' ' || {postgres_folded('organ_parent')}), 'A')"
    f" || setweight(to_tsvector('simple', {postgres_folded('type_name')}), 'B')"
    f" || setweight(to_tsvector('simple', {postgres_folded('subject')}), 'C')")
POSTGRES_INDEX_SQL = f"CREATE INDEX ix_documents_search ON documents USING gin (({POSTGRES_VECTOR}))"


def sqlite_trigger_sql() -> list[str]:
    """The triggers that keep the FTS5 table (external content: the documents table) in step."""
    columns = ", ".join(FTS_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
    old = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
    table = SQLITE_FTS_TABLE
    delete = f"INSERT INTO {table}({table}, rowid, {columns}) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {table}(rowid, {columns}) VALUES (new.id, {new});"
    return [
        f"CREATE TRIGGER {table}_ai AFTER INSERT ON documents BEGIN {insert} END",
        f"CREATE TRIGGER {table}_ad AFTER DELETE ON documents BEGIN {delete} END",
        f"CREATE TRIGGER {table}_au AFTER UPDATE OF {columns} ON documents BEGIN {delete} {insert} END",
    ]
