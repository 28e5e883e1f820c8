//! Fact extraction, per language, through `FileAnalyzer::analyze`.
#![allow(clippy::unwrap_used)]

use drift_core::detect::DetectorSet;
use drift_core::{
    BindingValue, Call, FileAnalyzer, FileFacts, Import, ImportKind, Lang, StringKind, Symbol,
    SymbolKind,
};

fn facts(lang: Lang, src: &str) -> FileFacts {
    facts_bytes(lang, src.as_bytes())
}

fn facts_bytes(lang: Lang, src: &[u8]) -> FileFacts {
    let mut analyzer = FileAnalyzer::default();
    analyzer
        .analyze(lang, "test", src, &DetectorSet::default(), None)
        .unwrap()
        .facts
}

fn sym<'a>(f: &'a FileFacts, qualified: &str) -> &'a Symbol {
    f.symbols
        .iter()
        .find(|s| s.qualified_name == qualified)
        .unwrap_or_else(|| {
            let names: Vec<_> = f.symbols.iter().map(|s| &s.qualified_name).collect();
            panic!("no symbol {qualified}; have {names:?}")
        })
}

fn sym_idx(f: &FileFacts, qualified: &str) -> Option<u32> {
    f.symbols
        .iter()
        .position(|s| s.qualified_name == qualified)
        .map(|i| i as u32)
}

fn call<'a>(f: &'a FileFacts, callee: &str) -> &'a Call {
    f.calls
        .iter()
        .find(|c| c.callee == callee)
        .unwrap_or_else(|| {
            let names: Vec<_> = f.calls.iter().map(|c| &c.callee).collect();
            panic!("no call {callee}; have {names:?}")
        })
}

fn import<'a>(f: &'a FileFacts, local: &str) -> &'a Import {
    f.imports
        .iter()
        .find(|i| i.local == local)
        .unwrap_or_else(|| panic!("no import bound to {local}; have {:?}", f.imports))
}

fn bindings<'a>(f: &'a FileFacts, name: &str) -> Vec<&'a BindingValue> {
    f.bindings
        .iter()
        .filter(|b| b.name == name)
        .map(|b| &b.value)
        .collect()
}

fn params(s: &Symbol) -> Vec<(String, Option<String>)> {
    s.params
        .iter()
        .map(|p| (p.name.clone(), p.type_text.clone()))
        .collect()
}

fn p(name: &str, ty: Option<&str>) -> (String, Option<String>) {
    (name.to_string(), ty.map(str::to_string))
}

fn typed(t: &str) -> BindingValue {
    BindingValue::Typed(t.to_string())
}
fn new(t: &str) -> BindingValue {
    BindingValue::New(t.to_string())
}
fn called(t: &str) -> BindingValue {
    BindingValue::Call(t.to_string())
}
fn alias(t: &str) -> BindingValue {
    BindingValue::Alias(t.to_string())
}

mod ecmascript {
    use super::*;

    const TS: &str = r#"
/** Service doc */
@Injectable()
export class Service extends Base implements IFoo, IBar {
  private repo: Repo;
  constructor(private readonly db: Db) { super(); }
  static create(a: number, b?: string): Service { return new Service(); }
  @Get("/api/users/:id")
  async run(s: Service, ...rest: any[]): Promise<void> {
    this.repo = new Repo(1, x);
    const r = await this.repo.save<T>(s, this.onClick);
    function inner() { helper(); }
  }
  handler = (e) => { go(e) };
}
import def, { a as b, c } from "./m";
import * as ns from "ns";
import type { T } from "./types";
import "side";
const fs = require("fs");
const { x, y: z } = require("xy");
export { a as b2 } from "./re";
export * from "./all";
export { q as r };
export default foo;
export const h = async (n: number): Promise<number> => n, k = function() {};
let s: Service;
module.exports = { f, g: h };
interface I extends J { m(x: number): void }
enum E { A }
f = g;
const m2 = obj.method;
"#;

    #[test]
    fn typescript_symbols() {
        let f = facts(Lang::TypeScript, TS);
        let class = sym(&f, "Service");
        assert_eq!(class.kind, SymbolKind::Class);
        assert!(class.exported && class.has_doc);
        assert_eq!(class.decorators, vec!["Injectable()"]);
        assert_eq!(class.bases, vec!["Base", "IFoo", "IBar"]);
        assert_eq!(
            class.signature,
            "class Service extends Base implements IFoo, IBar"
        );

        let ctor = sym(&f, "Service.constructor");
        assert_eq!(ctor.kind, SymbolKind::Constructor);

        let create = sym(&f, "Service.create");
        assert_eq!(create.kind, SymbolKind::Method);
        assert!(create.is_static);
        assert_eq!(
            params(create),
            vec![p("a", Some("number")), p("b", Some("string"))]
        );
        assert_eq!(create.return_type.as_deref(), Some("Service"));

        let run = sym(&f, "Service.run");
        assert!(run.is_async && !run.is_static);
        assert_eq!(run.decorators, vec![r#"Get("/api/users/:id")"#]);
        assert_eq!(run.return_type.as_deref(), Some("Promise<void>"));
        assert_eq!(
            run.signature,
            "async run(s: Service, ...rest: any[]): Promise<void>"
        );
        assert_eq!(params(run)[0], p("s", Some("Service")));

        let inner = sym(&f, "Service.run.inner");
        assert_eq!(inner.kind, SymbolKind::Function);
        assert_eq!(inner.parent, sym_idx(&f, "Service.run"));

        assert_eq!(sym(&f, "Service.handler").kind, SymbolKind::Method);
        let h = sym(&f, "h");
        assert!(h.exported && h.is_async);
        assert_eq!(h.return_type.as_deref(), Some("Promise<number>"));
        assert!(sym(&f, "k").exported);
        let i = sym(&f, "I");
        assert_eq!(
            (i.kind, i.bases.clone()),
            (SymbolKind::Interface, vec!["J".to_string()])
        );
        assert_eq!(sym(&f, "I.m").kind, SymbolKind::Method);
        assert_eq!(sym(&f, "E").kind, SymbolKind::Enum);
    }

    #[test]
    fn typescript_imports_and_exports() {
        let f = facts(Lang::TypeScript, TS);
        let d = import(&f, "def");
        assert_eq!(
            (d.kind, d.source.as_str(), d.imported.as_str()),
            (ImportKind::Default, "./m", "default")
        );
        let b = import(&f, "b");
        assert_eq!((b.kind, b.imported.as_str()), (ImportKind::Named, "a"));
        assert_eq!(import(&f, "c").imported, "c");
        assert_eq!(import(&f, "ns").kind, ImportKind::Namespace);
        assert!(import(&f, "T").type_only);
        assert!(!b.type_only);
        let side = f.imports.iter().find(|i| i.source == "side").unwrap();
        assert_eq!(side.kind, ImportKind::SideEffect);
        let fs = import(&f, "fs");
        assert_eq!((fs.kind, fs.source.as_str()), (ImportKind::Require, "fs"));
        assert_eq!(import(&f, "z").imported, "y");
        assert_eq!(import(&f, "x").source, "xy");
        let re = import(&f, "b2");
        assert!(re.reexport);
        assert_eq!((re.source.as_str(), re.imported.as_str()), ("./re", "a"));
        let star = f.imports.iter().find(|i| i.source == "./all").unwrap();
        assert!(star.reexport && star.kind == ImportKind::Namespace);

        let exports: Vec<(&str, &str)> = f
            .exports
            .iter()
            .map(|e| (e.exported.as_str(), e.local.as_str()))
            .collect();
        for pair in [
            ("b2", "a"),
            ("r", "q"),
            ("default", "foo"),
            ("f", "f"),
            ("g", "h"),
        ] {
            assert!(exports.contains(&pair), "{pair:?} missing from {exports:?}");
        }
    }

    #[test]
    fn typescript_calls_and_bindings() {
        let f = facts(Lang::TypeScript, TS);
        let run = sym_idx(&f, "Service.run");
        let save = call(&f, "this.repo.save");
        assert_eq!(save.name, "save");
        assert_eq!(save.receiver.as_deref(), Some("this.repo"));
        assert_eq!(save.arg_count, 2);
        assert_eq!(save.arg_names, vec!["s", "this.onClick"]);
        assert_eq!(save.enclosing, run);
        assert!(!save.is_constructor);

        let repo = call(&f, "Repo");
        assert!(repo.is_constructor);
        assert_eq!(repo.arg_names, vec!["x"]);
        assert_eq!(
            call(&f, "helper").enclosing,
            sym_idx(&f, "Service.run.inner")
        );
        assert_eq!(
            call(&f, "super").enclosing,
            sym_idx(&f, "Service.constructor")
        );
        assert_eq!(call(&f, "Injectable").enclosing, None);

        assert_eq!(
            bindings(&f, "this.repo"),
            vec![&typed("Repo"), &new("Repo")]
        );
        assert_eq!(bindings(&f, "this.db"), vec![&typed("Db")]);
        assert_eq!(bindings(&f, "r"), vec![&called("this.repo.save")]);
        assert_eq!(bindings(&f, "s"), vec![&typed("Service")]);
        assert_eq!(bindings(&f, "f"), vec![&alias("g")]);
        assert_eq!(bindings(&f, "m2"), vec![&alias("obj.method")]);

        let route = f
            .strings
            .iter()
            .find(|s| s.kind == StringKind::Route)
            .unwrap();
        assert_eq!(route.value, "/api/users/:id");
    }

    #[test]
    fn javascript_and_tsx() {
        let js = r#"
const express = require("express");
const app = express();
class B extends mix(A) { #priv = 1; static s = () => {}; get g() { return this.#priv; } }
app.get("/health", (req, res) => res.send("ok"));
exports.start = start;
function start() { const srv = new Server(); srv.listen(3000); }
export const api = {
  get(url) { return fetch(url); },
  "post": async (url, body) => fetch(url, { method: "POST", body }),
};
"#;
        let f = facts(Lang::JavaScript, js);
        assert_eq!(import(&f, "express").kind, ImportKind::Require);
        assert_eq!(bindings(&f, "app"), vec![&called("express")]);
        assert_eq!(sym(&f, "B").bases, vec!["mix(A)"]);
        assert!(sym(&f, "B.s").is_static);
        assert_eq!(sym(&f, "B.g").kind, SymbolKind::Method);
        let get = call(&f, "app.get");
        assert_eq!((get.arg_count, get.enclosing), (2, None));
        assert!(
            f.exports
                .iter()
                .any(|e| e.exported == "start" && e.local == "start")
        );
        assert_eq!(bindings(&f, "srv"), vec![&new("Server")]);
        assert!(
            sym(&f, "start").exported,
            "exported through `exports.start`"
        );
        assert_eq!(call(&f, "srv.listen").enclosing, sym_idx(&f, "start"));
        let api = sym(&f, "api");
        assert_eq!((api.kind, api.exported), (SymbolKind::Constant, true));
        assert!(sym(&f, "api.get").exported);
        assert!(sym(&f, "api.post").is_async);
        let fetches: Vec<Option<u32>> = f
            .calls
            .iter()
            .filter(|c| c.callee == "fetch")
            .map(|c| c.enclosing)
            .collect();
        assert_eq!(
            fetches,
            vec![sym_idx(&f, "api.get"), sym_idx(&f, "api.post")]
        );

        let tsx = r#"
import React, { useState } from "react";
export function App({ title }: Props) {
  const [n, setN] = useState(0);
  return <div onClick={() => setN(n + 1)}><Counter value={n} onReset={reset} label="x" />{title}</div>;
}
"#;
        let f = facts(Lang::Tsx, tsx);
        assert!(sym(&f, "App").exported);
        assert_eq!(params(sym(&f, "App")), vec![p("{title}", Some("Props"))]);
        assert_eq!(import(&f, "React").kind, ImportKind::Default);
        assert_eq!(call(&f, "setN").enclosing, sym_idx(&f, "App"));
        let counter = call(&f, "Counter");
        assert_eq!(counter.arg_count, 3);
        assert_eq!(counter.arg_names, vec!["n", "reset"]);
        assert_eq!(counter.enclosing, sym_idx(&f, "App"));
        assert!(!f.calls.iter().any(|c| c.callee == "div"));
    }
}

mod python {
    use super::*;

    const PY: &str = r#""""Module doc."""
import os
import a.b as c, d.e
from x.y import z as w, v
from ..models import User
from . import sibling
from m import *

__all__ = ["Service", "helper"]

@dataclass
class Service(Base, metaclass=Meta):
    """Doc."""
    repo: Repo

    def __init__(self, repo: Repo, *args, name: str = "x", **kw) -> None:
        self.repo = Repo()
        self.db = make_db(url)
        super().__init__()

    @staticmethod
    @app.get("/api/users/:id")
    async def run(s: "Service") -> Result:
        def inner(a, b=1):
            return helper(a, b)
        r = await s.repo.save(s, key=handler)
        f = helper
        return inner

    def _hidden(self): pass

def _private(): pass
x: int = 5
obj = Service(Repo())
data = fetch()
if __name__ == "__main__":
    main()
q = "SELECT id FROM users WHERE x = 1"
with Session() as sess, open(path) as fh:
    sess.commit()
env = os.environ["DATABASE_URL"]
"#;

    /// The comments that open a body are not part of the signature
    /// (tree-sitter-python puts them before the body's block).
    #[test]
    fn python_signatures_leave_out_leading_body_comments() {
        let f = facts(
            Lang::Python,
            "class Registry(Base):  # the registry\n    # of apps\n    def load(self, name):  # by name\n        # cached\n        return name\n",
        );
        assert_eq!(sym(&f, "Registry").signature, "class Registry(Base)");
        assert_eq!(sym(&f, "Registry.load").signature, "def load(self, name)");
        let ts = facts(
            Lang::TypeScript,
            "function load(name: string): string // by name\n{\n  return name;\n}\nconst save = function (name: string) /* once */ {\n  return name;\n};\n",
        );
        assert_eq!(
            sym(&ts, "load").signature,
            "function load(name: string): string"
        );
        assert_eq!(
            sym(&ts, "save").signature,
            "const save = function (name: string)"
        );
    }

    #[test]
    fn python_symbols() {
        let f = facts(Lang::Python, PY);
        let class = sym(&f, "Service");
        assert_eq!(class.bases, vec!["Base"]);
        assert_eq!(class.decorators, vec!["dataclass"]);
        assert!(class.has_doc && class.exported);
        let init = sym(&f, "Service.__init__");
        assert_eq!(init.kind, SymbolKind::Constructor);
        assert!(init.exported);
        assert_eq!(
            params(init),
            vec![
                p("self", None),
                p("repo", Some("Repo")),
                p("*args", None),
                p("name", Some("str")),
                p("**kw", None)
            ]
        );
        assert_eq!(init.return_type.as_deref(), Some("None"));
        let run = sym(&f, "Service.run");
        assert!(run.is_async && run.is_static);
        assert_eq!(
            run.decorators,
            vec!["staticmethod", r#"app.get("/api/users/:id")"#]
        );
        assert_eq!(params(run), vec![p("s", Some("Service"))]);
        assert_eq!(run.signature, r#"async def run(s: "Service") -> Result"#);
        let inner = sym(&f, "Service.run.inner");
        assert_eq!(inner.kind, SymbolKind::Function);
        assert!(!inner.exported);
        // A decorated method's decorators are its own, not its nested
        // function's or the next method's.
        assert!(inner.decorators.is_empty());
        assert!(sym(&f, "Service._hidden").decorators.is_empty());
        assert!(!sym(&f, "Service._hidden").exported);
        assert!(!sym(&f, "_private").exported);
        assert!(f.has_main_guard);
    }

    #[test]
    fn python_docstrings_after_comments() {
        let src = r#"
def documented():
    # a comment first
    """Doc."""
    return 1

def plain():
    # a comment, then code
    return "not a docstring"

class Empty:
    pass
"#;
        let f = facts(Lang::Python, src);
        assert!(sym(&f, "documented").has_doc);
        assert!(!sym(&f, "plain").has_doc);
        assert!(!sym(&f, "Empty").has_doc);
    }

    #[test]
    fn python_imports_exports_calls_bindings() {
        let f = facts(Lang::Python, PY);
        let os = import(&f, "os");
        assert_eq!((os.kind, os.source.as_str()), (ImportKind::Namespace, "os"));
        assert_eq!(import(&f, "c").source, "a.b");
        assert_eq!(import(&f, "d.e").kind, ImportKind::Namespace);
        let w = import(&f, "w");
        assert_eq!(
            (w.kind, w.source.as_str(), w.imported.as_str()),
            (ImportKind::Named, "x.y", "z")
        );
        assert_eq!(import(&f, "User").source, "..models");
        assert_eq!(import(&f, "sibling").source, ".");
        assert!(
            f.imports
                .iter()
                .any(|i| i.source == "m" && i.imported == "*")
        );
        let exported: Vec<&str> = f.exports.iter().map(|e| e.exported.as_str()).collect();
        assert_eq!(exported, vec!["Service", "helper"]);

        let save = call(&f, "s.repo.save");
        assert_eq!(save.receiver.as_deref(), Some("s.repo"));
        assert_eq!(save.arg_names, vec!["s", "handler"]);
        assert_eq!(save.enclosing, sym_idx(&f, "Service.run"));
        let sup = call(&f, "super().__init__");
        assert_eq!(
            (sup.name.as_str(), sup.receiver.as_deref()),
            ("__init__", Some("super()"))
        );
        assert_eq!(
            call(&f, "helper").enclosing,
            sym_idx(&f, "Service.run.inner")
        );
        assert_eq!(call(&f, "main").enclosing, None);

        assert_eq!(
            bindings(&f, "self.repo"),
            vec![&typed("Repo"), &new("Repo")]
        );
        assert_eq!(bindings(&f, "self.db"), vec![&called("make_db")]);
        assert_eq!(bindings(&f, "r"), vec![&called("s.repo.save")]);
        assert_eq!(bindings(&f, "f"), vec![&alias("helper")]);
        assert_eq!(bindings(&f, "obj"), vec![&new("Service")]);
        assert_eq!(bindings(&f, "x"), vec![&typed("int")]);
        assert_eq!(bindings(&f, "sess"), vec![&new("Session")]);
        assert_eq!(bindings(&f, "fh"), vec![&called("open")]);

        let kinds: Vec<StringKind> = f.strings.iter().map(|s| s.kind).collect();
        assert!(kinds.contains(&StringKind::Route));
        assert!(kinds.contains(&StringKind::Sql));
        assert!(kinds.contains(&StringKind::EnvKey));
    }

    #[test]
    fn no_main_guard_without_the_idiom() {
        let f = facts(Lang::Python, "def main():\n    pass\nmain()\n");
        assert!(!f.has_main_guard);
        assert_eq!(call(&f, "main").enclosing, None);
    }
}

mod java_csharp {
    use super::*;

    #[test]
    fn java() {
        let src = r#"
package com.x;
import java.util.List;
import static org.junit.Assert.assertEquals;
import com.y.*;
/** Doc */
@Service
public class UserService extends Base<T> implements Repo, Other {
    private final UserRepo repo = new UserRepo();
    @Autowired private Db db;
    public UserService(UserRepo repo) { this.repo = repo; }
    @GetMapping("/api/users/{id}")
    public static List<User> find(@PathVariable Long id, String... names) {
        User u = repo.findById(id);
        var s = new Helper<String>(id, this::map);
        return helper(u).stream().map(User::name).toList();
    }
    interface Inner { void m(int x); }
    enum Color { RED }
}
"#;
        let f = facts(Lang::Java, src);
        let c = sym(&f, "UserService");
        assert!(c.exported && c.has_doc);
        assert_eq!(c.decorators, vec!["Service"]);
        assert_eq!(c.bases, vec!["Base<T>", "Repo", "Other"]);
        assert_eq!(
            sym(&f, "UserService.UserService").kind,
            SymbolKind::Constructor
        );
        let find = sym(&f, "UserService.find");
        assert!(find.is_static && find.exported);
        assert_eq!(find.decorators, vec![r#"GetMapping("/api/users/{id}")"#]);
        assert_eq!(find.return_type.as_deref(), Some("List<User>"));
        assert_eq!(
            params(find),
            vec![p("id", Some("Long")), p("names", Some("String..."))]
        );
        assert_eq!(
            find.signature,
            "public static List<User> find(@PathVariable Long id, String... names)"
        );
        assert_eq!(sym(&f, "UserService.Inner").kind, SymbolKind::Interface);
        assert!(sym(&f, "UserService.Inner.m").exported);
        assert_eq!(sym(&f, "UserService.Color").kind, SymbolKind::Enum);

        let list = import(&f, "List");
        assert_eq!(
            (list.source.as_str(), list.kind),
            ("java.util", ImportKind::Named)
        );
        assert_eq!(import(&f, "assertEquals").source, "org.junit.Assert");
        assert!(
            f.imports
                .iter()
                .any(|i| i.source == "com.y" && i.kind == ImportKind::Namespace)
        );

        let by_id = call(&f, "repo.findById");
        assert_eq!(by_id.enclosing, sym_idx(&f, "UserService.find"));
        let helper = call(&f, "Helper<String>");
        assert!(helper.is_constructor);
        assert_eq!(helper.arg_names, vec!["id", "this::map"]);
        assert_eq!(
            call(&f, "helper(u).stream().map").arg_names,
            vec!["User::name"]
        );

        assert_eq!(
            bindings(&f, "this.repo"),
            vec![&typed("UserRepo"), &alias("repo")]
        );
        assert_eq!(bindings(&f, "this.db"), vec![&typed("Db")]);
        assert_eq!(bindings(&f, "u"), vec![&typed("User")]);
        assert_eq!(bindings(&f, "s"), vec![&new("Helper<String>")]);
    }

    #[test]
    fn csharp() {
        let src = r#"
using System;
using Sys = System.Collections.Generic;
using static System.Math;
namespace App.Services {
    /// <summary>Doc</summary>
    [ApiController, Route("/api/users")]
    public class UserService : BaseService, IUserService {
        private readonly IRepo _repo;
        public UserService(IRepo repo) : base(repo) { _repo = repo; this.db = new Db(); }
        [HttpGet("{id}")]
        public async Task<User> GetAsync(int id, string name = "x") {
            var u = await _repo.FindAsync(id);
            User v = Helper.Make<User>(name);
            return u;
        }
        private static void Hidden() {}
    }
    interface IUserService { Task<User> GetAsync(int id); }
    public struct P { }
}
"#;
        let f = facts(Lang::CSharp, src);
        assert_eq!(sym(&f, "App.Services").kind, SymbolKind::Module);
        let c = sym(&f, "App.Services.UserService");
        assert!(c.exported && c.has_doc);
        assert_eq!(
            c.decorators,
            vec!["ApiController", r#"Route("/api/users")"#]
        );
        assert_eq!(c.bases, vec!["BaseService", "IUserService"]);
        let get = sym(&f, "App.Services.UserService.GetAsync");
        assert!(get.is_async && get.exported);
        assert_eq!(get.return_type.as_deref(), Some("Task<User>"));
        assert_eq!(
            params(get),
            vec![p("id", Some("int")), p("name", Some("string"))]
        );
        assert_eq!(get.decorators, vec![r#"HttpGet("{id}")"#]);
        let hidden = sym(&f, "App.Services.UserService.Hidden");
        assert!(hidden.is_static && !hidden.exported);
        assert_eq!(
            sym(&f, "App.Services.UserService.UserService").kind,
            SymbolKind::Constructor
        );
        assert_eq!(sym(&f, "App.Services.P").kind, SymbolKind::Struct);
        assert_eq!(
            sym(&f, "App.Services.IUserService").kind,
            SymbolKind::Interface
        );

        assert_eq!(import(&f, "Sys").source, "System.Collections.Generic");
        assert!(
            f.imports
                .iter()
                .any(|i| i.source == "System" && i.local == "*")
        );
        assert!(f.imports.iter().any(|i| i.source == "System.Math"));

        let find = call(&f, "_repo.FindAsync");
        assert_eq!(
            find.enclosing,
            sym_idx(&f, "App.Services.UserService.GetAsync")
        );
        assert_eq!(find.arg_names, vec!["id"]);
        let make = call(&f, "Helper.Make<User>");
        assert_eq!(
            (make.name.as_str(), make.receiver.as_deref()),
            ("Make", Some("Helper"))
        );
        assert!(call(&f, "Db").is_constructor);
        assert_eq!(call(&f, "base").arg_names, vec!["repo"]);

        assert_eq!(bindings(&f, "this._repo"), vec![&typed("IRepo")]);
        assert_eq!(bindings(&f, "this.db"), vec![&new("Db")]);
        assert_eq!(bindings(&f, "u"), vec![&called("_repo.FindAsync")]);
        assert_eq!(bindings(&f, "v"), vec![&typed("User")]);
    }
}

mod go_rust {
    use super::*;

    #[test]
    fn go() {
        let src = r#"package store

import (
	"fmt"
	db "github.com/x/db"
	_ "github.com/lib/pq"
	. "strings"
	"github.com/y/client/v2"
)

// Store keeps things.
type Store struct {
	Base
	*Other
	repo Repo
}

type Saver interface {
	io.Writer
	Save(ctx context.Context, v any) error
}

// Save saves.
func (s *Store) Save(ctx context.Context, items ...Item) (int, error) {
	x := db.Open("postgres://u@h/db")
	var y Repo = NewRepo()
	s.repo = Repo{}
	p := &Store{repo: y}
	fmt.Println(x, s.handle)
	go func() { helper(x) }()
	return 0, nil
}

func helper(a, b int) string { return fmt.Sprintf("%d", a) }
"#;
        let f = facts(Lang::Go, src);
        let st = sym(&f, "Store");
        assert_eq!(st.kind, SymbolKind::Struct);
        assert_eq!(st.bases, vec!["Base", "Other"]);
        assert!(st.exported && st.has_doc);
        let saver = sym(&f, "Saver");
        assert_eq!(
            (saver.kind, saver.bases.clone()),
            (SymbolKind::Interface, vec!["io.Writer".to_string()])
        );
        assert_eq!(sym(&f, "Saver.Save").kind, SymbolKind::Method);
        let save = sym(&f, "Store.Save");
        assert_eq!(save.kind, SymbolKind::Method);
        assert!(save.exported && save.has_doc);
        assert_eq!(
            params(save),
            vec![
                p("ctx", Some("context.Context")),
                p("items", Some("...Item"))
            ]
        );
        assert_eq!(save.return_type.as_deref(), Some("(int, error)"));
        let helper = sym(&f, "helper");
        assert!(!helper.exported);
        assert_eq!(
            params(helper),
            vec![p("a", Some("int")), p("b", Some("int"))]
        );

        assert_eq!(import(&f, "fmt").kind, ImportKind::Namespace);
        assert_eq!(import(&f, "db").source, "github.com/x/db");
        assert_eq!(import(&f, "client").source, "github.com/y/client/v2");
        assert!(
            f.imports
                .iter()
                .any(|i| i.source == "github.com/lib/pq" && i.kind == ImportKind::SideEffect)
        );
        assert!(
            f.imports
                .iter()
                .any(|i| i.source == "strings" && i.local == "*")
        );

        let save_idx = sym_idx(&f, "Store.Save");
        let println = call(&f, "fmt.Println");
        assert_eq!(println.arg_names, vec!["x", "s.handle"]);
        assert_eq!(println.enclosing, save_idx);
        assert_eq!(call(&f, "helper").enclosing, save_idx);
        assert!(call(&f, "Store").is_constructor);
        assert!(!f.calls.iter().any(|c| c.callee.starts_with("func")));

        assert_eq!(bindings(&f, "s"), vec![&typed("*Store")]);
        assert_eq!(bindings(&f, "x"), vec![&called("db.Open")]);
        assert_eq!(bindings(&f, "y"), vec![&typed("Repo")]);
        assert_eq!(bindings(&f, "s.repo"), vec![&new("Repo")]);
        assert_eq!(bindings(&f, "p"), vec![&new("Store")]);
        assert_eq!(bindings(&f, "this.repo"), vec![&typed("Repo")]);
        assert!(f.strings.iter().any(|s| s.kind == StringKind::Url));
    }

    #[test]
    fn rust() {
        let src = r#"
use std::collections::{HashMap, hash_map::Entry as E};
use crate::a::b::*;
pub use self::m::Thing;
use super::x as y;

/// Doc
#[derive(Debug, Clone)]
pub struct Store<T> { repo: Repo, n: u32 }

pub trait Saver: Send + Sync { fn save(&self, x: &str) -> Result<(), E>; }

impl<T> Saver for Store<T> {
    #[inline]
    async fn save(&self, x: &str) -> Result<(), E> {
        let r = Repo::new(x);
        let s: Store = Store { repo: r, n: 1 };
        self.repo.put::<u8>(x, &self.n).await?;
        helper(x);
        let f = helper;
        Ok(())
    }
}
impl Store<u8> { pub fn build() -> Self { todo!() } fn private(&self) {} }
mod inner { pub fn q() { let c = |a: i32| a + 1; c(2); } }
"#;
        let f = facts(Lang::Rust, src);
        let st = sym(&f, "Store");
        assert_eq!(st.kind, SymbolKind::Struct);
        assert_eq!(st.decorators, vec!["derive(Debug, Clone)"]);
        assert!(st.exported && st.has_doc);
        assert_eq!(sym(&f, "Saver").bases, vec!["Send", "Sync"]);
        assert_eq!(sym(&f, "Saver.save").kind, SymbolKind::Method);
        let imp = f
            .symbols
            .iter()
            .find(|s| s.kind == SymbolKind::Impl && s.bases == vec!["Saver".to_string()])
            .unwrap();
        assert_eq!(imp.qualified_name, "Store");
        let save = f
            .symbols
            .iter()
            .find(|s| s.qualified_name == "Store.save")
            .unwrap();
        assert!(save.is_async && !save.is_static && save.exported);
        assert_eq!(save.decorators, vec!["inline"]);
        assert_eq!(
            params(save),
            vec![p("self", Some("&self")), p("x", Some("&str"))]
        );
        assert_eq!(save.return_type.as_deref(), Some("Result<(), E>"));
        let build = sym(&f, "Store.build");
        assert!(build.is_static && build.exported);
        assert!(!sym(&f, "Store.private").exported);
        assert_eq!(sym(&f, "inner").kind, SymbolKind::Module);
        assert_eq!(sym(&f, "inner.q.c").kind, SymbolKind::Function);

        let hm = import(&f, "HashMap");
        assert_eq!(
            (hm.source.as_str(), hm.kind),
            ("std::collections", ImportKind::Named)
        );
        let e = import(&f, "E");
        assert_eq!(
            (e.source.as_str(), e.imported.as_str()),
            ("std::collections::hash_map", "Entry")
        );
        assert!(
            f.imports
                .iter()
                .any(|i| i.source == "crate::a::b" && i.imported == "*")
        );
        let thing = import(&f, "Thing");
        assert!(thing.reexport);
        assert_eq!(thing.source, "self::m");
        assert_eq!(import(&f, "y").source, "super");

        let save_idx = f
            .symbols
            .iter()
            .position(|s| s.qualified_name == "Store.save")
            .map(|i| i as u32);
        let new = call(&f, "Repo::new");
        assert_eq!(
            (new.name.as_str(), new.receiver.as_deref()),
            ("new", Some("Repo"))
        );
        assert_eq!(new.enclosing, save_idx);
        let put = call(&f, "self.repo.put");
        assert_eq!(put.arg_count, 2);
        assert!(call(&f, "Store").is_constructor);
        assert_eq!(call(&f, "c").enclosing, sym_idx(&f, "inner.q"));

        assert_eq!(bindings(&f, "r"), vec![&called("Repo::new")]);
        assert_eq!(bindings(&f, "s"), vec![&typed("Store")]);
        assert_eq!(bindings(&f, "f"), vec![&alias("helper")]);
        assert_eq!(bindings(&f, "self.repo"), vec![&typed("Repo")]);
        assert!(bindings(&f, "self").contains(&&typed("Store")));
    }
}

mod php_ruby {
    use super::*;

    #[test]
    fn php() {
        let src = r#"<?php
namespace App\Http;
use App\Models\User;
use App\Repo as R, Foo\Bar;
use Foo\{A, B as C};
require_once __DIR__ . '/x.php';

/** Doc */
#[Route("/api/users")]
final class UserController extends Controller implements Jsonable {
    use HasFactory;
    private Repo $repo;
    public function __construct(private Db $db) { $this->repo = new Repo(); parent::__construct(); }
    public static function show(int $id, ?string ...$names): User {
        $u = User::find($id);
        $r = $this->repo->save($u, 'cb');
        return helper($u, $callback);
    }
    private function hidden() {}
}
function helper($a, $b = 1) { return strlen("SELECT * FROM users WHERE id = 1"); }
"#;
        let f = facts(Lang::Php, src);
        let c = sym(&f, "App.Http.UserController");
        assert!(c.has_doc);
        assert_eq!(c.decorators, vec![r#"Route("/api/users")"#]);
        assert_eq!(c.bases, vec!["Controller", "Jsonable", "HasFactory"]);
        assert_eq!(
            sym(&f, "App.Http.UserController.__construct").kind,
            SymbolKind::Constructor
        );
        let show = sym(&f, "App.Http.UserController.show");
        assert!(show.is_static && show.exported);
        assert_eq!(
            params(show),
            vec![p("$id", Some("int")), p("...$names", Some("?string"))]
        );
        assert_eq!(show.return_type.as_deref(), Some("User"));
        assert!(!sym(&f, "App.Http.UserController.hidden").exported);
        assert_eq!(sym(&f, "App.Http.helper").kind, SymbolKind::Function);

        let user = import(&f, "User");
        assert_eq!(
            (user.source.as_str(), user.kind),
            ("App\\Models", ImportKind::Named)
        );
        assert_eq!(import(&f, "R").imported, "Repo");
        assert_eq!(import(&f, "C").source, "Foo");
        assert!(
            f.imports
                .iter()
                .any(|i| i.source == "/x.php" && i.kind == ImportKind::SideEffect)
        );

        let save = call(&f, "$this->repo->save");
        assert_eq!(
            (save.name.as_str(), save.receiver.as_deref()),
            ("save", Some("$this->repo"))
        );
        assert_eq!(save.arg_names, vec!["$u"]);
        assert_eq!(save.enclosing, sym_idx(&f, "App.Http.UserController.show"));
        let find = call(&f, "User::find");
        assert_eq!(find.receiver.as_deref(), Some("User"));
        assert!(call(&f, "Repo").is_constructor);

        assert_eq!(
            bindings(&f, "$this->repo"),
            vec![&typed("Repo"), &new("Repo")]
        );
        assert_eq!(bindings(&f, "$this->db"), vec![&typed("Db")]);
        assert_eq!(bindings(&f, "$u"), vec![&called("User::find")]);
        assert!(f.strings.iter().any(|s| s.kind == StringKind::Sql));
    }

    #[test]
    fn ruby() {
        let src = r#"require 'json'
require_relative "../lib/repo"

module Api
  class UsersController < ApplicationController
    include Auth
    before_action :authenticate

    # Builds one.
    def initialize(repo, name = nil, *rest, key:, **opts, &blk)
      @repo = Repo.new(repo)
      super(repo)
    end

    def self.build(x) = new(x)

    def show
      user = @repo.find(params[:id])
      items.each { |i| process(i) }
    end

    private

    def helper; end

    public

    def visible; end
  end
end
x = Foo::Bar.new
"#;
        let f = facts(Lang::Ruby, src);
        assert_eq!(sym(&f, "Api").kind, SymbolKind::Module);
        let c = sym(&f, "Api.UsersController");
        assert_eq!(c.bases, vec!["ApplicationController", "Auth"]);
        let init = sym(&f, "Api.UsersController.initialize");
        assert_eq!(init.kind, SymbolKind::Constructor);
        assert!(init.has_doc);
        assert_eq!(
            init.params
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>(),
            vec!["repo", "name", "*rest", "key", "**opts", "&blk"]
        );
        assert!(sym(&f, "Api.UsersController.build").is_static);
        assert!(sym(&f, "Api.UsersController.show").exported);
        assert!(!sym(&f, "Api.UsersController.helper").exported);
        assert!(sym(&f, "Api.UsersController.visible").exported);
        assert_eq!(
            sym(&f, "Api.UsersController.helper").signature,
            "def helper"
        );

        let sources: Vec<&str> = f.imports.iter().map(|i| i.source.as_str()).collect();
        assert_eq!(sources, vec!["json", "../lib/repo"]);

        let find = call(&f, "@repo.find");
        assert_eq!(find.receiver.as_deref(), Some("@repo"));
        assert_eq!(find.enclosing, sym_idx(&f, "Api.UsersController.show"));
        assert_eq!(
            call(&f, "process").enclosing,
            sym_idx(&f, "Api.UsersController.show")
        );
        assert_eq!(call(&f, "before_action").arg_names, vec!["authenticate"]);
        let ctor = call(&f, "Repo");
        assert!(ctor.is_constructor);
        assert_eq!(bindings(&f, "@repo"), vec![&new("Repo")]);
        assert_eq!(bindings(&f, "user"), vec![&called("@repo.find")]);
        assert_eq!(bindings(&f, "x"), vec![&new("Foo::Bar")]);
    }
}

mod c_family {
    use super::*;

    #[test]
    fn cpp() {
        let src = r#"#include <vector>
#include "store.h"
using namespace std;
namespace app {
/// Doc
class Store : public Base, private Other {
public:
    Store(Repo* r) : repo_(r) {}
    static int count(const std::string& s, int n = 2);
    void save(Item item) { repo_->put(item, &Store::cb); auto x = std::make_unique<Repo>(1); Repo r2(3); Repo* p = new Repo(); }
private:
    Repo* repo_;
    void hidden();
};
int Store::count(const std::string& s, int n) { return printf("%d", n); }
}
int main(int argc, char** argv) { app::Store s(nullptr); s.save({}); return 0; }
"#;
        let f = facts(Lang::Cpp, src);
        assert_eq!(sym(&f, "app").kind, SymbolKind::Module);
        let c = sym(&f, "app.Store");
        assert_eq!(c.bases, vec!["Base", "Other"]);
        assert!(c.has_doc);
        assert_eq!(sym(&f, "app.Store.Store").kind, SymbolKind::Constructor);
        let count = f
            .symbols
            .iter()
            .filter(|s| s.qualified_name == "app.Store.count")
            .collect::<Vec<_>>();
        assert_eq!(count.len(), 2, "declaration and out-of-class definition");
        assert!(count[0].is_static);
        assert_eq!(
            params(count[1]),
            vec![p("s", Some("const std::string&")), p("n", Some("int"))]
        );
        assert!(!sym(&f, "app.Store.hidden").exported);
        assert!(sym(&f, "app.Store.save").exported);
        let main = sym(&f, "main");
        assert_eq!(
            params(main),
            vec![p("argc", Some("int")), p("argv", Some("char**"))]
        );

        assert!(f.imports.iter().any(|i| i.source == "<vector>"));
        assert!(f.imports.iter().any(|i| i.source == "store.h"));
        assert!(
            f.imports
                .iter()
                .any(|i| i.source == "std" && i.kind == ImportKind::Namespace)
        );

        let put = call(&f, "repo_->put");
        assert_eq!(
            (put.name.as_str(), put.receiver.as_deref()),
            ("put", Some("repo_"))
        );
        assert_eq!(put.enclosing, sym_idx(&f, "app.Store.save"));
        assert_eq!(call(&f, "std::make_unique<Repo>").name, "make_unique");
        assert!(call(&f, "app::Store").is_constructor);
        assert_eq!(call(&f, "s.save").enclosing, sym_idx(&f, "main"));

        assert_eq!(bindings(&f, "this.repo_"), vec![&typed("Repo*")]);
        assert_eq!(bindings(&f, "x"), vec![&called("std::make_unique<Repo>")]);
        assert_eq!(bindings(&f, "p"), vec![&typed("Repo*")]);
        assert_eq!(bindings(&f, "s"), vec![&typed("app::Store")]);
    }

    #[test]
    fn c() {
        let src = r#"#include <stdio.h>
#include "util.h"
/** A point. */
struct point { int x; int y; };
static int helper(struct point *p) { return p->x; }
int main(void) {
    struct point pt = make_point(1, 2);
    char *url = "https://example.com/api";
    printf("%d\n", helper(&pt));
    return 0;
}
"#;
        let f = facts(Lang::C, src);
        let st = sym(&f, "point");
        assert_eq!(st.kind, SymbolKind::Struct);
        assert!(st.has_doc);
        let helper = sym(&f, "helper");
        assert!(!helper.exported);
        assert_eq!(params(helper), vec![p("p", Some("struct point*"))]);
        let main = sym(&f, "main");
        assert!(main.exported);
        assert!(main.params.is_empty());
        assert_eq!(f.imports.len(), 2);
        assert_eq!(call(&f, "helper").enclosing, sym_idx(&f, "main"));
        assert_eq!(call(&f, "printf").arg_count, 2);
        assert_eq!(bindings(&f, "pt"), vec![&typed("struct point")]);
        assert_eq!(bindings(&f, "this.x"), vec![&typed("int")]);
        assert!(f.strings.iter().any(|s| s.kind == StringKind::Url));
    }
}

mod robustness {
    use super::*;

    #[test]
    fn deeply_nested_expressions_do_not_overflow() {
        let depth = 5_000;
        let cases: Vec<(Lang, String)> = vec![
            (
                Lang::JavaScript,
                format!("x = {}1{};", "(".repeat(depth), ")".repeat(depth)),
            ),
            (
                Lang::TypeScript,
                format!("const a = {}{};", "[".repeat(depth), "]".repeat(depth)),
            ),
            (
                Lang::Python,
                format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth)),
            ),
            (
                Lang::Rust,
                format!(
                    "fn f() {{ let x = {}1{}; }}",
                    "(".repeat(depth),
                    ")".repeat(depth)
                ),
            ),
            (
                Lang::Go,
                format!(
                    "package p\nvar x = {}1{}\n",
                    "(".repeat(depth),
                    ")".repeat(depth)
                ),
            ),
            (
                Lang::C,
                format!("int x = {}1{};", "(".repeat(depth), ")".repeat(depth)),
            ),
            (
                Lang::Java,
                format!(
                    "class A {{ int x = {}1{}; }}",
                    "(".repeat(depth),
                    ")".repeat(depth)
                ),
            ),
            (
                Lang::Ruby,
                format!("x = {}1{}\n", "[".repeat(depth), "]".repeat(depth)),
            ),
        ];
        for (lang, src) in cases {
            // Run on a small stack to prove the walk is iterative.
            let handle = std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || facts(lang, &src))
                .unwrap();
            let f = handle.join().unwrap_or_else(|_| panic!("{lang} panicked"));
            assert!(f.bindings.len() <= 1, "{lang}");
        }
        // Nested calls are all found, each with one argument.
        let src = format!("x = {}1{};", "f(".repeat(depth), ")".repeat(depth));
        let f = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || facts(Lang::JavaScript, &src))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(f.calls.len(), depth);
        assert!(f.calls.iter().all(|c| c.callee == "f" && c.arg_count == 1));
    }

    #[test]
    fn invalid_utf8_and_syntax_errors_are_tolerated() {
        let mut src = b"def ok(a):\n    return helper(a)\n\ns = \"".to_vec();
        src.extend_from_slice(&[0xff, 0xfe, 0xc3]);
        src.extend_from_slice(b"\"\ndef broken(:\n    pass\nclass K:\n    def m(self): go()\n");
        let f = facts_bytes(Lang::Python, &src);
        assert!(f.partial);
        assert!(f.error_count > 0);
        assert_eq!(sym(&f, "ok").params.len(), 1);
        assert_eq!(call(&f, "helper").enclosing, sym_idx(&f, "ok"));

        for lang in Lang::ALL {
            let garbage: &[u8] = b"\xff\xfe class { fn ( def :: -> } } ) \x80 import \"\xc3";
            let f = facts_bytes(lang, garbage);
            assert!(f.symbols.iter().all(|s| s.span.start_line >= 1), "{lang}");
        }

        let ts = b"export function good(a: number) { call(a) }\nfunction bad( { \xff\n";
        let f = facts_bytes(Lang::TypeScript, ts);
        assert!(f.partial);
        assert!(sym(&f, "good").exported);
        assert_eq!(call(&f, "call").enclosing, sym_idx(&f, "good"));
    }

    #[test]
    fn empty_sources_have_no_facts() {
        for lang in Lang::ALL {
            let f = facts(lang, "");
            assert!(
                f.symbols.is_empty() && f.calls.is_empty() && f.imports.is_empty(),
                "{lang}"
            );
        }
    }
}
