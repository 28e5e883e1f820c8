//! Ctrl-C during a scan: the scan stops, exit 130, and the index stays
//! usable (the next scan completes it).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::Fixture;

#[test]
fn sigint_stops_the_scan_cleanly() {
    let f = Fixture::empty();
    f.write(".drift/drift.toml", "[rules]\nbuiltin = false\n");
    let mut body = String::new();
    for k in 0..20 {
        body.push_str(&format!(
            "export function fn{k}(x: number) {{ if (x < {k}) {{ throw new AppError('e'); }} return helper{k}(x) + {k}; }}\n"
        ));
    }
    let files = 1500;
    for i in 0..files {
        f.write(&format!("src/d{}/f{i}.ts", i % 30), &body);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_drift"))
        .arg("scan")
        .current_dir(f.root())
        .env("DRIFT_LOG", "off")
        .env("CI", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn drift");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    // Wait until parsing has started, then interrupt.
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("line");
        let parsing = line.starts_with("parsing");
        seen.push(line);
        if parsing {
            break;
        }
    }
    assert!(seen.iter().any(|l| l.starts_with("parsing")), "{seen:?}");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let exit = child.wait().expect("wait");
    assert_eq!(exit.code(), Some(130), "stderr after interrupt: {rest:?}");
    assert!(rest.iter().any(|l| l.contains("interrupted")), "{rest:?}");

    // The index is consistent: a new scan finishes the job.
    let r = f.drift(&["scan", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["files_by_language"]["typescript"], files);
    let r = f.drift(&["status", "--json"]);
    assert_eq!(r.json()["scan_interrupted"], false);
}
