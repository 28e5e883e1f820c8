//! Shared helpers for drift-scan integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;
use std::sync::atomic::AtomicBool;

use drift_scan::{Project, ScanConfig, ScanOptions, ScanReport};

/// Writes `content` at `root/rel`, creating parent directories.
pub fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

pub fn config() -> ScanConfig {
    ScanConfig {
        threads: Some(2),
        ..ScanConfig::default()
    }
}

pub fn open(root: &Path) -> Project {
    Project::open(root, config()).unwrap()
}

pub fn scan(project: &Project) -> ScanReport {
    project
        .scan(&ScanOptions::default(), &|_| {}, &AtomicBool::new(false))
        .unwrap()
}

pub fn scan_full(project: &Project) -> ScanReport {
    project
        .scan(
            &ScanOptions {
                full: true,
                paths: vec![],
            },
            &|_| {},
            &AtomicBool::new(false),
        )
        .unwrap()
}

/// A TypeScript service file that throws the project's own error type.
pub fn ts_custom_throw(i: usize) -> String {
    format!(
        "import {{ NotFoundError }} from '../errors';\n\n\
         export function find{i}(id: string): string {{\n  \
           if (!id) {{ throw new NotFoundError(`missing ${{id}}`); }}\n  \
           if (id.length > 10) {{ throw new ValidationError('too long'); }}\n  \
           return id;\n}}\n"
    )
}

/// A TypeScript repo where throwing custom errors is the convention and one
/// file deviates with `throw new Error(..)`.
pub fn ts_repo(root: &Path) {
    for i in 0..12 {
        let dir = if i % 2 == 0 {
            "src/users"
        } else {
            "src/orders"
        };
        write(root, &format!("{dir}/service{i}.ts"), ts_custom_throw(i));
    }
    write(
        root,
        "src/legacy/old.ts",
        "export function legacy(x: number): number {\n  if (x < 0) { throw new Error('negative'); }\n  return x;\n}\n",
    );
    write(
        root,
        "src/errors.ts",
        "export class NotFoundError extends Error {}\nexport class ValidationError extends Error {}\n",
    );
}
