//! `init`: creates the layout, is idempotent, never overwrites edits.

use drift_config::{Config, InitAction, init, paths};

#[test]
fn creates_then_keeps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let first = init(root).expect("init");
    let created: Vec<&str> = first.created().map(|e| e.path.as_str()).collect();
    assert_eq!(
        created,
        vec![
            ".drift/",
            ".drift/drift.toml",
            ".drift/.gitignore",
            ".drift/rules/",
            ".drift/rules/README.md",
            ".driftignore"
        ]
    );
    assert!(paths::is_initialised(root));
    assert_eq!(
        Config::load_or_default(root).expect("config"),
        Config::default()
    );
    let gitignore = std::fs::read_to_string(root.join(".drift/.gitignore")).expect("gitignore");
    assert!(gitignore.lines().any(|l| l == "drift.db"));
    assert!(gitignore.lines().any(|l| l == "drift.db-*"));

    // User edits survive a second init.
    std::fs::write(
        root.join(".drift/drift.toml"),
        "[scan]\nexclude = [\"x/**\"]\n",
    )
    .expect("edit");
    std::fs::remove_file(root.join(".driftignore")).expect("rm");
    let second = init(root).expect("init again");
    for e in &second.entries {
        let expected = if e.path == ".driftignore" {
            InitAction::Created
        } else {
            InitAction::Kept
        };
        assert_eq!(e.action, expected, "{}", e.path);
    }
    let config = std::fs::read_to_string(root.join(".drift/drift.toml")).expect("read");
    assert_eq!(config, "[scan]\nexclude = [\"x/**\"]\n");
}

#[test]
fn root_discovery_finds_the_nearest_initialised_ancestor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("proj");
    let deep = root.join("a/b/c");
    std::fs::create_dir_all(&deep).expect("mkdir");
    assert_eq!(paths::find_root(&deep), None);
    init(&root).expect("init");
    assert_eq!(paths::find_root(&deep), Some(root.clone()));
}

#[test]
fn init_of_a_missing_directory_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(init(&dir.path().join("nope")).is_err());
}
