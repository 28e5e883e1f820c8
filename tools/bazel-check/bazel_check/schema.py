"""Stub schemas: every rule, macro, module-extension tag and loadable symbol the
checker knows, with attribute lists copied from the real rule definitions.

Each entry records where its attribute list was read from (repository, file and
the version/commit of that file), so a reviewer can re-check it when a pin moves.
The lists are *names only*; types are not modelled. Attributes every Bazel rule
accepts (https://bazel.build/reference/be/common-definitions) are added to all
rules; test/binary common attributes to test/executable rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# https://bazel.build/reference/be/common-definitions#common-attributes (Bazel 8)
COMMON_ATTRS = frozenset(
    {
        "name",
        "aspect_hints",
        "compatible_with",
        "deprecation",
        "exec_compatible_with",
        "exec_group_compatible_with",
        "exec_properties",
        "features",
        "package_metadata",
        "restricted_to",
        "tags",
        "target_compatible_with",
        "testonly",
        "toolchains",
        "visibility",
        "applicable_licenses",
        "licenses",
    }
)
# https://bazel.build/reference/be/common-definitions#common-attributes-tests
TEST_ATTRS = frozenset(
    {"args", "env", "env_inherit", "flaky", "local", "shard_count", "size", "timeout"}
)
# https://bazel.build/reference/be/common-definitions#common-attributes-binaries
BINARY_ATTRS = frozenset({"args", "env", "output_licenses"})


@dataclass(frozen=True)
class Rule:
    """A callable that declares targets (a rule or a macro)."""

    name: str
    attrs: frozenset[str]
    source: str
    kind: str = "rule"  # "rule" | "test" | "binary" | "macro"
    # Attributes holding labels, checked for existence.
    label_attrs: frozenset[str] = frozenset()
    # Macros that accept **kwargs forwarded to a rule with these extra attrs.
    open_kwargs: bool = False
    extra_targets: tuple[str, ...] = field(default=())

    def all_attrs(self) -> frozenset[str]:
        attrs = set(self.attrs) | COMMON_ATTRS
        if self.kind == "test":
            attrs |= TEST_ATTRS
        if self.kind == "binary":
            attrs |= BINARY_ATTRS
        return frozenset(attrs)


def _rule(name, attrs, source, kind="rule", labels=(), open_kwargs=False):
    return Rule(
        name=name,
        attrs=frozenset(attrs.split()),
        source=source,
        kind=kind,
        label_attrs=frozenset(labels),
        open_kwargs=open_kwargs,
    )


RULES_RUST_DOC = (
    "bazelbuild/rules_rust docs/src/rust.md @053eb813 (stardoc of rust/private/rust.bzl)"
)
_RUST_LABELS = (
    "deps",
    "srcs",
    "data",
    "compile_data",
    "proc_macro_deps",
    "crate_root",
    "crate",
    "rustc_env_files",
    "linker_script",
    "malloc",
    "platform",
)

RUST_LIBRARY = _rule(
    "rust_library",
    "deps srcs data aliases alwayslink compile_data crate_features crate_name crate_root "
    "disable_pipelining edition proc_macro_deps rustc_env rustc_env_files rustc_flags stamp version",
    RULES_RUST_DOC,
    labels=_RUST_LABELS,
)
RUST_PROC_MACRO = _rule(
    "rust_proc_macro",
    "deps srcs data aliases alwayslink compile_data crate_features crate_name crate_root "
    "edition proc_macro_deps rustc_env rustc_env_files rustc_flags stamp version",
    RULES_RUST_DOC,
    labels=_RUST_LABELS,
)
RUST_SHARED_LIBRARY = _rule(
    "rust_shared_library",
    "deps srcs data aliases alwayslink compile_data crate_features crate_name crate_root "
    "edition experimental_use_cc_common_link malloc platform proc_macro_deps rustc_env "
    "rustc_env_files rustc_flags stamp version",
    RULES_RUST_DOC,
    labels=_RUST_LABELS,
)
RUST_BINARY = _rule(
    "rust_binary",
    "deps srcs data aliases alwayslink binary_name compile_data crate_features crate_name "
    "crate_root crate_type edition env experimental_use_cc_common_link linker_script malloc "
    "out_binary platform proc_macro_deps rustc_env rustc_env_files rustc_flags stamp version",
    RULES_RUST_DOC,
    kind="binary",
    labels=_RUST_LABELS,
)
RUST_TEST = _rule(
    "rust_test",
    "deps srcs data aliases alwayslink compile_data crate crate_features crate_name crate_root "
    "edition env env_inherit experimental_use_cc_common_link malloc platform proc_macro_deps "
    "rustc_env rustc_env_files rustc_flags stamp use_libtest_harness version",
    RULES_RUST_DOC,
    kind="test",
    labels=_RUST_LABELS,
)
# A macro: `def rust_test_suite(name, srcs, shared_srcs = [], **kwargs)`; for each src not in
# shared_srcs it declares rust_test(name = name + "_" + src[:-3], crate_root = src,
# srcs = [src] + shared_srcs, tags = ["restrict_" + name] + tags, **kwargs), then a
# native.test_suite(name). So kwargs are rust_test's attributes except crate_root/srcs.
RUST_TEST_SUITE = _rule(
    "rust_test_suite",
    "srcs shared_srcs deps data aliases alwayslink compile_data crate crate_features crate_name "
    "edition env env_inherit experimental_use_cc_common_link malloc platform proc_macro_deps "
    "rustc_env rustc_env_files rustc_flags stamp use_libtest_harness version",
    "bazelbuild/rules_rust rust/private/rust.bzl (rust_test_suite macro; **kwargs go to rust_test) "
    "+ docs/src/rust.md @3bf3de5a",
    kind="test",
    labels=_RUST_LABELS + ("shared_srcs",),
)
CARGO_BUILD_SCRIPT = _rule(
    "cargo_build_script",
    "edition crate_name crate_root srcs crate_features version deps link_deps proc_macro_deps "
    "build_script_env build_script_env_for_target_cfg data compile_data tools links rundir "
    "rustc_env rustc_env_files rustc_flags visibility tags aliases pkg_name",
    "bazelbuild/rules_rust docs/src/cargo.md @63ddad9d (cargo_build_script macro signature)",
    kind="macro",
    labels=("srcs", "deps", "link_deps", "proc_macro_deps", "data", "compile_data", "tools", "crate_root"),
    open_kwargs=True,
)

JS_LIBRARY = _rule(
    "js_library",
    "deps srcs data copy_data_to_bin no_copy_to_bin types",
    "aspect-build/rules_js docs/js_library.md @1676ffd7 (stardoc of js/private/js_library.bzl)",
    labels=("deps", "srcs", "data", "no_copy_to_bin", "types"),
)
_JS_BINARY_ATTRS = (
    "data chdir copy_data_to_bin enable_runfiles entry_point env expected_exit_code fixed_args "
    "include_declarations include_npm include_npm_linked_packages include_transitive_sources "
    "log_level no_copy_to_bin node_options node_toolchain patch_node_fs preserve_symlinks_main "
    "unresolved_symlinks_enabled"
)
_JS_SOURCE = "aspect-build/rules_js docs/js_binary.md @00006c63 (stardoc of js/private/js_binary.bzl)"
JS_BINARY = _rule(
    "js_binary",
    _JS_BINARY_ATTRS,
    _JS_SOURCE,
    kind="binary",
    labels=("data", "entry_point", "no_copy_to_bin", "node_toolchain"),
)
JS_TEST = _rule(
    "js_test",
    _JS_BINARY_ATTRS,
    _JS_SOURCE,
    kind="test",
    labels=("data", "entry_point", "no_copy_to_bin", "node_toolchain"),
)
TS_PROJECT = _rule(
    "ts_project",
    "tsconfig srcs args data deps assets extends allow_js isolated_typecheck declaration "
    "source_map declaration_map resolve_json_module preserve_jsx composite incremental no_emit "
    "emit_declaration_only transpiler declaration_transpiler ts_build_info_file generate_trace "
    "tsc tsc_worker validate validator declaration_dir out_dir root_dir supports_workers",
    "aspect-build/rules_ts ts/defs.bzl @003484a6 (ts_project macro parameters; **kwargs go to ts_project_rule)",
    kind="macro",
    labels=("srcs", "data", "deps", "assets", "extends", "tsc", "tsc_worker", "validator"),
)
TS_CONFIG = _rule(
    "ts_config",
    "deps src",
    "aspect-build/rules_ts docs/rules.md @028a2b5a",
    labels=("deps", "src"),
)
NPM_LINK_ALL_PACKAGES = _rule(
    "npm_link_all_packages",
    "imported_links prod dev",
    "aspect-build/rules_js docs/npm_link_all_packages.md (generated @npm//:defs.bzl macro)",
    kind="macro",
)

CC_LIBRARY = _rule(
    "cc_library",
    "srcs hdrs deps data additional_compiler_inputs additional_linker_inputs alwayslink "
    "conlyopts copts cxxopts defines hdrs_check implementation_deps include_prefix includes "
    "linkopts linkstamp linkstatic local_defines module_interfaces strip_include_prefix "
    "textual_hdrs win_def_file",
    "https://bazel.build/reference/be/c-cpp#cc_library (Bazel 8; rules_cc re-exports it)",
    labels=("srcs", "hdrs", "deps", "data", "implementation_deps", "textual_hdrs"),
)

NATIVE_RULES = {
    r.name: r
    for r in (
        _rule("filegroup", "srcs data output_group", "Bazel 8 built-in", labels=("srcs", "data")),
        _rule("alias", "actual", "Bazel 8 built-in", labels=("actual",)),
        _rule("exports_files_stub", "", "Bazel 8 built-in"),
        _rule(
            "platform",
            "constraint_values parents exec_properties flags missing_toolchain_error "
            "required_settings check_toolchain_types allowed_toolchain_types",
            "Bazel 8 built-in (https://bazel.build/reference/be/platforms-and-toolchains#platform)",
            labels=("constraint_values", "parents"),
        ),
        _rule(
            "constraint_setting",
            "default_constraint_value",
            "Bazel 8 built-in",
            labels=("default_constraint_value",),
        ),
        _rule(
            "constraint_value",
            "constraint_setting",
            "Bazel 8 built-in",
            labels=("constraint_setting",),
        ),
        _rule(
            "config_setting",
            "constraint_values define_values flag_values values",
            "Bazel 8 built-in",
            labels=("constraint_values",),
        ),
        _rule("test_suite", "tests", "Bazel 8 built-in", kind="test", labels=("tests",)),
        _rule(
            "genrule",
            "srcs outs cmd cmd_bash cmd_bat cmd_ps executable local message output_to_bindir "
            "tools toolchains",
            "Bazel 8 built-in",
            labels=("srcs", "tools"),
        ),
    )
}
NATIVE_RULES.pop("exports_files_stub")

# Loadable .bzl files of external repositories: label -> {symbol: Rule | None}.
# A None value is a known non-rule symbol (struct/function) the checker allows.
EXTERNAL_BZL: dict[str, dict[str, Rule | None]] = {
    "@rules_rust//rust:defs.bzl": {
        r.name: r
        for r in (RUST_LIBRARY, RUST_PROC_MACRO, RUST_SHARED_LIBRARY, RUST_BINARY, RUST_TEST, RUST_TEST_SUITE)
    },
    "@rules_rust//cargo:defs.bzl": {"cargo_build_script": CARGO_BUILD_SCRIPT},
    "@rules_cc//cc:defs.bzl": {"cc_library": CC_LIBRARY},
    "@aspect_rules_js//js:defs.bzl": {r.name: r for r in (JS_LIBRARY, JS_BINARY, JS_TEST)},
    "@aspect_rules_ts//ts:defs.bzl": {r.name: r for r in (TS_PROJECT, TS_CONFIG)},
    "@platforms//host:constraints.bzl": {"HOST_CONSTRAINTS": None},
    "@bazel_skylib//rules:build_test.bzl": {
        "build_test": _rule(
            "build_test",
            "targets",
            "bazelbuild/bazel-skylib rules/build_test.bzl (build_test(name, targets, **kwargs))",
            kind="test",
            labels=("targets",),
        )
    },
}
# rules_oci 2.x: the public macros of oci/defs.bzl; attribute lists from the
# stardoc of the rules they wrap (oci_image_rule, oci_image_index_rule,
# oci_load, oci_push_rule) plus the macro-level parameters.
_OCI_SOURCE = "bazel-contrib/rules_oci docs/{}.md @{} (stardoc of oci/private/{}.bzl) + oci/defs.bzl macro"
OCI_IMAGE = _rule(
    "oci_image",
    "annotations architecture base cmd created entrypoint env exposed_ports labels os "
    "resource_set tars user variant volumes workdir",
    _OCI_SOURCE.format("image", "aaf7a9ea", "image"),
    kind="macro",
    labels=("base", "tars"),
)
OCI_IMAGE_INDEX = _rule(
    "oci_image_index",
    "images platforms",
    _OCI_SOURCE.format("image_index", "1646fcd6", "image_index"),
    kind="macro",
    labels=("images", "platforms"),
)
OCI_LOAD = _rule(
    "oci_load",
    "format image loader repo_tags",
    _OCI_SOURCE.format("load", "4507d652", "load"),
    kind="macro",
    labels=("image", "loader"),
)
OCI_PUSH = _rule(
    "oci_push",
    "image remote_tags repository repository_file",
    _OCI_SOURCE.format("push", "0c17277c", "push"),
    kind="macro",
    labels=("image", "repository_file"),
)
# tar.bzl: the `tar` macro of tar/tar.bzl (@5c384314) over tar_rule
# (tar/private/tar.bzl @b21a225f).
TAR = _rule(
    "tar",
    "args compress compressor compressor_args compute_unused_inputs include_runfiles mode "
    "mtree mutate out srcs stamp",
    "bazel-contrib/tar.bzl tar/tar.bzl @5c384314 + tar/private/tar.bzl @b21a225f",
    kind="macro",
    labels=("srcs", "compressor"),
)
EXTERNAL_BZL["@rules_oci//oci:defs.bzl"] = {
    r.name: r for r in (OCI_IMAGE, OCI_IMAGE_INDEX, OCI_LOAD, OCI_PUSH)
}
EXTERNAL_BZL["@tar.bzl//tar:tar.bzl"] = {"tar": TAR, "mutate": None}
# Generated by npm_translate_lock(name = "npm"): the repo name is substituted.
NPM_DEFS_BZL = {"npm_link_all_packages": NPM_LINK_ALL_PACKAGES}


@dataclass(frozen=True)
class Extension:
    bzl: str
    name: str
    tags: dict[str, frozenset[str]]
    source: str


def _ext(bzl, name, source, **tags):
    return Extension(
        bzl=bzl,
        name=name,
        tags={tag: frozenset(attrs.split()) for tag, attrs in tags.items()},
        source=source,
    )


_RUST_COMMON_TAG = "allocator_library dev_components edition rustfmt_version sha256s urls"
EXTENSIONS = {
    (e.bzl, e.name): e
    for e in (
        _ext(
            "@rules_rust//rust:extensions.bzl",
            "rust",
            "bazelbuild/rules_rust rust/extensions.bzl (_RUST_TOOLCHAIN_TAG, _RUST_REPOSITORY_SET_TAG_ATTRS)",
            toolchain="aliases extra_exec_rustc_flags extra_rustc_flags extra_rustc_flags_triples "
            "extra_target_triples rust_analyzer_version versions " + _RUST_COMMON_TAG,
            repository_set="exec_triple name target_compatible_with target_triple versions "
            + _RUST_COMMON_TAG,
        ),
        _ext(
            "@rules_rust//rust:extensions.bzl",
            "rust_host_tools",
            "bazelbuild/rules_rust rust/extensions.bzl (_RUST_HOST_TOOLS_TAG)",
            host_tools="name version " + _RUST_COMMON_TAG,
        ),
        _ext(
            "@rules_rust//crate_universe:extensions.bzl",
            "crate",
            "bazelbuild/rules_rust crate_universe/extensions.bzl (_from_cargo tag_class)",
            from_cargo="name manifests cargo_config cargo_lockfile generate_binaries "
            "generate_build_scripts supported_platform_triples",
            annotation="crate repositories version additive_build_file additive_build_file_content "
            "alias_rule build_script_data build_script_env build_script_rustc_env compile_data "
            "crate_features data deps gen_binaries patches proc_macro_deps rustc_env rustc_flags",
        ),
        _ext(
            "@rules_nodejs//nodejs:extensions.bzl",
            "node",
            "bazel-contrib/rules_nodejs nodejs/extensions.bzl (_ATTRS of the toolchain tag)",
            toolchain="name node_version node_version_from_nvmrc node_urls node_repositories "
            "include_headers",
        ),
        _ext(
            "@aspect_rules_js//npm:extensions.bzl",
            "npm",
            "aspect-build/rules_js docs/npm_translate_lock.md + rules_js 3.5.0 MODULE.bazel",
            npm_translate_lock="name pnpm_lock npm_package_lock yarn_lock update_pnpm_lock npmrc "
            "use_home_npmrc data patches patch_args custom_postinstalls prod public_hoist_packages "
            "dev no_optional run_lifecycle_hooks lifecycle_hooks lifecycle_hooks_envs "
            "lifecycle_hooks_exclude lifecycle_hooks_execution_requirements "
            "lifecycle_hooks_no_sandbox lifecycle_hooks_use_default_shell_env replace_packages bins "
            "verify_node_modules_ignored verify_patches quiet external_repository_action_cache "
            "link_workspace pnpm_version use_pnpm npm_package_target_name package_visibility "
            "generate_bzl_library_targets",
        ),
        _ext(
            "@aspect_rules_js//npm:extensions.bzl",
            "pnpm",
            "aspect-build/rules_js 3.5.0 MODULE.bazel (pnpm.pnpm tag)",
            pnpm="name pnpm_version pnpm_version_integrity",
        ),
        _ext(
            "@aspect_rules_ts//ts:extensions.bzl",
            "ext",
            "aspect-build/rules_ts ts/extensions.bzl (deps tag)",
            deps="name ts_version ts_version_from ts_integrity",
        ),
        _ext(
            "@rules_oci//oci:extensions.bzl",
            "oci",
            "bazel-contrib/rules_oci oci/extensions.bzl (pull tag)",
            pull="name image digest tag platforms reproducible www_authenticate_challenges config "
            "config_path bazel_tags",
            toolchains="name crane_version zot_version regctl_version",
        ),
    )
}

NODE_PLATFORMS = (
    "darwin_amd64",
    "darwin_arm64",
    "linux_amd64",
    "linux_arm64",
    "linux_ppc64le",
    "linux_s390x",
    "windows_amd64",
    "windows_arm64",
)


def extension_repos(ext: Extension, tags: list[tuple[str, dict]]) -> set[str]:
    """Names of the repositories an extension creates for the given tag calls
    (the subset a root module may `use_repo`)."""
    repos: set[str] = set()
    key = (ext.bzl, ext.name)
    for tag, kwargs in tags:
        if key == ("@rules_rust//rust:extensions.bzl", "rust"):
            repos.add("rust_toolchains")
        elif key == ("@rules_rust//rust:extensions.bzl", "rust_host_tools"):
            repos.add(kwargs.get("name", "rust_host_tools"))
        elif tag == "from_cargo":
            repos.add(kwargs.get("name", "crates"))
        elif key == ("@rules_nodejs//nodejs:extensions.bzl", "node"):
            name = kwargs.get("name", "nodejs")
            repos |= {name, f"{name}_toolchains", f"{name}_host"}
            repos |= {f"{name}_{p}" for p in NODE_PLATFORMS}
        elif tag == "npm_translate_lock":
            repos.add(kwargs.get("name", "npm"))
        elif tag == "pnpm":
            name = kwargs.get("name", "pnpm")
            repos |= {name, f"{name}__links"}
        elif tag == "deps":
            repos.add(kwargs.get("name", "npm_typescript"))
        elif tag == "pull":
            name = kwargs["name"]
            repos.add(name)
            for platform in kwargs.get("platforms", []):
                os_, _, arch = platform.partition("/")
                repos.add(f"{name}_{os_}_{arch.replace('/', '_')}")
        elif tag == "toolchains":
            name = kwargs.get("name", "oci")
            repos |= {f"{name}_crane_toolchains", f"{name}_regctl_toolchains"}
    return repos
