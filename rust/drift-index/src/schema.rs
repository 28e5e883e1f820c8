//! Versioned schema migrations, applied in order and recorded in
//! `PRAGMA user_version`.

/// Migration `i` brings the schema from version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: initial schema.
    r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE files (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE,
    lang        TEXT,
    size        INTEGER NOT NULL,
    mtime_ns    INTEGER NOT NULL,
    hash        TEXT,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'partial', 'skipped')),
    skip_reason TEXT,
    skip_detail TEXT,
    error_count INTEGER NOT NULL DEFAULT 0,
    line_count  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX files_status ON files(status);

CREATE TABLE file_facts (
    file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
    facts   TEXT NOT NULL
);

CREATE TABLE symbols (
    file_id        INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    idx            INTEGER NOT NULL,
    name           TEXT NOT NULL,
    local_name     TEXT NOT NULL,
    qualified_name TEXT NOT NULL,
    kind           TEXT NOT NULL,
    parent         INTEGER,
    exported       INTEGER NOT NULL,
    signature      TEXT NOT NULL,
    start_line INTEGER NOT NULL, start_col INTEGER NOT NULL,
    end_line   INTEGER NOT NULL, end_col   INTEGER NOT NULL,
    PRIMARY KEY (file_id, idx)
) WITHOUT ROWID;
CREATE INDEX symbols_name ON symbols(name);
CREATE INDEX symbols_qualified ON symbols(qualified_name);

CREATE TABLE imports (
    file_id   INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    idx       INTEGER NOT NULL,
    source    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    imported  TEXT NOT NULL,
    local     TEXT NOT NULL,
    reexport  INTEGER NOT NULL,
    type_only INTEGER NOT NULL,
    start_line INTEGER NOT NULL, start_col INTEGER NOT NULL,
    end_line   INTEGER NOT NULL, end_col   INTEGER NOT NULL,
    PRIMARY KEY (file_id, idx)
) WITHOUT ROWID;
CREATE INDEX imports_source ON imports(source);

CREATE TABLE calls (
    file_id        INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    idx            INTEGER NOT NULL,
    callee         TEXT NOT NULL,
    name           TEXT NOT NULL,
    receiver       TEXT,
    arg_count      INTEGER NOT NULL,
    is_constructor INTEGER NOT NULL,
    enclosing      INTEGER,
    start_line INTEGER NOT NULL, start_col INTEGER NOT NULL,
    end_line   INTEGER NOT NULL, end_col   INTEGER NOT NULL,
    PRIMARY KEY (file_id, idx)
) WITHOUT ROWID;
CREATE INDEX calls_name ON calls(name);

CREATE TABLE matches (
    file_id  INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    idx      INTEGER NOT NULL,
    detector TEXT NOT NULL,
    variant  TEXT NOT NULL,
    snippet  TEXT NOT NULL,
    start_line INTEGER NOT NULL, start_col INTEGER NOT NULL,
    end_line   INTEGER NOT NULL, end_col   INTEGER NOT NULL,
    PRIMARY KEY (file_id, idx)
) WITHOUT ROWID;
CREATE INDEX matches_detector ON matches(detector, variant);

CREATE TABLE patterns (
    id          TEXT PRIMARY KEY,
    detector    TEXT NOT NULL,
    category    TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    lang        TEXT,
    dominant    TEXT NOT NULL,
    confidence  REAL NOT NULL,
    tier        TEXT NOT NULL,
    occurrences INTEGER NOT NULL,
    file_count  INTEGER NOT NULL
);
CREATE INDEX patterns_category ON patterns(category);

CREATE TABLE variants (
    pattern_id TEXT NOT NULL REFERENCES patterns(id) ON DELETE CASCADE,
    rank       INTEGER NOT NULL,
    name       TEXT NOT NULL,
    count      INTEGER NOT NULL,
    file_count INTEGER NOT NULL,
    share      REAL NOT NULL,
    examples   TEXT NOT NULL,
    PRIMARY KEY (pattern_id, rank)
) WITHOUT ROWID;

CREATE TABLE violations (
    id         INTEGER PRIMARY KEY,
    pattern_id TEXT NOT NULL,
    path       TEXT NOT NULL,
    severity   INTEGER NOT NULL,
    found      TEXT NOT NULL,
    expected   TEXT NOT NULL,
    message    TEXT NOT NULL,
    snippet    TEXT NOT NULL,
    start_line INTEGER NOT NULL, start_col INTEGER NOT NULL,
    end_line   INTEGER NOT NULL, end_col   INTEGER NOT NULL
);
CREATE INDEX violations_path ON violations(path);
CREATE INDEX violations_pattern ON violations(pattern_id);
"#,
    // 2: facts stored as lz4-compressed JSON (a third of the size of the
    // whole index was the plain JSON). The index is a cache: drop the old
    // facts so the next scan rebuilds.
    r#"
DELETE FROM files;
DELETE FROM meta WHERE key = 'config_fingerprint';
DROP TABLE file_facts;
CREATE TABLE file_facts (
    file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
    facts   BLOB NOT NULL
);
"#,
    // 3: a cheaper store. Call sites live only in the facts blob (the call
    // graph has its own tables; nothing queried the rows) and detector
    // matches move to one lz4 JSON blob per file, out of the facts blob:
    // 350k fewer rows on a 3k-file project. Indexes no query used are
    // dropped. Counts move to `files`. The index is a cache: rebuild.
    r#"
DELETE FROM files;
DELETE FROM meta WHERE key = 'config_fingerprint';
DROP TABLE calls;
DROP TABLE matches;
DROP INDEX symbols_qualified;
DROP INDEX imports_source;
ALTER TABLE files ADD COLUMN call_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE files ADD COLUMN match_count INTEGER NOT NULL DEFAULT 0;
CREATE TABLE file_matches (
    file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
    matches BLOB NOT NULL
);
"#,
    // 4: facts and matches blobs hold lz4-compressed postcard instead of
    // JSON: cheaper to write and read, and the index a fifth smaller. The
    // index is a cache: rebuild.
    r#"
DELETE FROM file_facts;
DELETE FROM file_matches;
DELETE FROM symbols;
DELETE FROM imports;
DELETE FROM files;
DELETE FROM meta WHERE key = 'config_fingerprint';
"#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;
