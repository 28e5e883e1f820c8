//! The MCP handler: tool router (rmcp `#[tool_router]`), the
//! `drift://conventions` resource and the `drift_prime` prompt. Tool bodies
//! run on the blocking pool (SQLite) under a per-call timeout.

use std::sync::Arc;

use rmcp::handler::server::router::prompt::PromptRouter;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::*;
use rmcp::service::RequestContext;
use rmcp::{
    ErrorData, RoleServer, ServerHandler, prompt, prompt_handler, prompt_router, tool, tool_router,
};
use serde_json::Value;

use crate::args::*;
use crate::core::Core;
use crate::error::ToolError;
use crate::{graph, tools, validate};

pub const CONVENTIONS_URI: &str = "drift://conventions";

const INSTRUCTIONS: &str = "Drift knows this codebase's conventions (learned from the code, \
some approved by the team), its symbols and its call graph. Before writing code call \
drift_context {intent, focus}; before saving a file call drift_validate {path, content}; \
use drift_import to get the import line for a symbol. Errors carry a `hint` saying what to do next.";

/// One MCP session's handler (cheap to clone; state is in [`Core`]).
#[derive(Clone)]
pub struct DriftServer {
    core: Arc<Core>,
    tool_router: ToolRouter<DriftServer>,
    prompt_router: PromptRouter<DriftServer>,
}

impl DriftServer {
    pub fn new(core: Arc<Core>) -> DriftServer {
        DriftServer {
            core,
            tool_router: Self::tool_router(),
            prompt_router: Self::prompt_router(),
        }
    }

    /// Runs blocking tool logic off the async runtime and turns the outcome
    /// into a tool result (errors become `isError` results with a hint).
    async fn run<F>(&self, f: F) -> Result<CallToolResult, ErrorData>
    where
        F: FnOnce(&Core) -> Result<Value, ToolError> + Send + 'static,
    {
        let core = self.core.clone();
        let outcome = tokio::task::spawn_blocking(move || f(&core))
            .await
            .unwrap_or_else(|e| Err(ToolError::internal(format!("tool task failed: {e}"))));
        Ok(to_result(outcome))
    }
}

/// Bounds one tool call; on expiry the caller gets a structured `timeout`
/// tool error (the blocking work finishes in the background).
pub(crate) async fn with_timeout(
    name: &str,
    limit: std::time::Duration,
    call: impl std::future::Future<Output = Result<CallToolResponse, ErrorData>>,
) -> Result<CallToolResponse, ErrorData> {
    match tokio::time::timeout(limit, call).await {
        Ok(Ok(CallToolResponse::Complete(result))) => Ok(structure_error(name, result).into()),
        Ok(result) => result,
        Err(_) => {
            tracing::warn!(tool = %name, ?limit, "tool call timed out");
            Ok(to_result(Err(ToolError::timeout(name, limit))).into())
        }
    }
}

/// rmcp reports argument deserialization failures as plain-text error
/// results; give them the same structured shape (code + hint) as ours.
fn structure_error(tool: &str, result: CallToolResult) -> CallToolResult {
    if result.is_error != Some(true) {
        return result;
    }
    let text: String = result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.as_str()))
        .collect();
    if serde_json::from_str::<Value>(&text).is_ok() {
        return result;
    }
    to_result(Err(ToolError::new("invalid_arguments", text).hint(
        format!("check the arguments against {tool}'s inputSchema (tools/list)"),
    )))
}

pub(crate) fn to_result(outcome: Result<Value, ToolError>) -> CallToolResult {
    match outcome {
        Ok(v) => {
            let text =
                serde_json::to_string(&v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
            CallToolResult::success(vec![ContentBlock::text(text)])
        }
        Err(e) => {
            let text = serde_json::to_string(&e.to_json()).unwrap_or_else(|_| e.to_string());
            CallToolResult::error(vec![ContentBlock::text(text)])
        }
    }
}

#[tool_router]
impl DriftServer {
    #[tool(
        description = "Index and scan status: files and symbols indexed, conventions learned, violations by severity, decisions (approved/ignored), background scan progress, and hints. Call first when other tools return empty results. With wait_for_scan=true, waits for a running scan (progress notifications if you pass a progress token).",
        annotations(read_only_hint = true)
    )]
    async fn drift_status(
        &self,
        Parameters(args): Parameters<StatusArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        if args.wait_for_scan {
            self.wait_for_scan(&ctx).await;
        }
        self.run(tools::status).await
    }

    #[tool(
        description = "Everything needed before changing code, in one call: the conventions that matter for the intent (grouped by category, approved first, each with a real example from the codebase), the focus file's symbols and its current violations, or for a text focus the matching symbols and files. `focus` is a root-relative path or a short description. Output fits max_tokens (default 2000).",
        annotations(read_only_hint = true)
    )]
    async fn drift_context(
        &self,
        Parameters(args): Parameters<ContextArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(move |core| tools::context(core, &args)).await
    }

    #[tool(
        description = "List learned conventions (id, category, the dominant variant = the convention, confidence, decision state, top variants), most confident first, filtered by category / state / min_confidence. Paginated: pass `next_cursor` back as `cursor`.",
        annotations(read_only_hint = true)
    )]
    async fn drift_conventions(
        &self,
        Parameters(args): Parameters<ConventionsArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(move |core| tools::conventions(core, &args)).await
    }

    #[tool(
        description = "One convention in full: description, every variant with counts, shares and examples, the team's decision (approved/ignored, scoped exceptions), and where the codebase currently violates it.",
        annotations(read_only_hint = true)
    )]
    async fn drift_convention(
        &self,
        Parameters(args): Parameters<ConventionArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(move |core| tools::convention(core, &args)).await
    }

    #[tool(
        description = "Real code examples to imitate: for a convention, locations and snippets of its dominant variant plus the variants to avoid; for a category, examples of each convention in it.",
        annotations(read_only_hint = true)
    )]
    async fn drift_examples(
        &self,
        Parameters(args): Parameters<ExamplesArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(move |core| tools::examples(core, &args)).await
    }

    #[tool(
        description = "What the index knows about one file: language, symbols with signatures, imports, detected convention variants, and violations. Path is relative to the project root.",
        annotations(read_only_hint = true)
    )]
    async fn drift_file(
        &self,
        Parameters(args): Parameters<FileArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(move |core| tools::file(core, &args)).await
    }

    #[tool(
        description = "Check proposed code before writing it (the file need not exist): analyses `content` as if saved at `path` and returns violations of approved conventions (with what to change and an example of the expected form) and, separately, deviations from learned but not yet approved conventions.",
        annotations(read_only_hint = true)
    )]
    async fn drift_validate(
        &self,
        Parameters(args): Parameters<ValidateArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(move |core| validate::validate(core, &args)).await
    }

    #[tool(
        description = "Find symbols (functions, classes, methods, ...) whose name or qualified name contains `query` (case-insensitive), exact matches first, with kind, location and signature. Paginated with `cursor`.",
        annotations(read_only_hint = true)
    )]
    async fn drift_symbols(
        &self,
        Parameters(args): Parameters<SymbolsArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(move |core| tools::symbols(core, &args)).await
    }

    #[tool(
        description = "Signature of a symbol: parameters with types, return type, decorators, bases, location, whether documented. Unknown names return close matches.",
        annotations(read_only_hint = true)
    )]
    async fn drift_signature(
        &self,
        Parameters(args): Parameters<SymbolArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(move |core| tools::signature(core, &args)).await
    }

    #[tool(
        description = "Who calls a symbol, following the call graph up to `depth` levels (default 1, max 5), with call sites and resolution confidence.",
        annotations(read_only_hint = true)
    )]
    async fn drift_callers(
        &self,
        Parameters(args): Parameters<GraphArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(move |core| graph::callers(core, &args)).await
    }

    #[tool(
        description = "What a symbol calls, following the call graph down to `depth` levels (default 1, max 5).",
        annotations(read_only_hint = true)
    )]
    async fn drift_callees(
        &self,
        Parameters(args): Parameters<GraphArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(move |core| graph::callees(core, &args)).await
    }

    #[tool(
        description = "Blast radius of changing a symbol or a file: every transitive caller, the affected files and entry points (routes, main, tests), so you know what to re-test.",
        annotations(read_only_hint = true)
    )]
    async fn drift_impact(
        &self,
        Parameters(args): Parameters<ImpactArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(move |core| graph::impact(core, &args)).await
    }

    #[tool(
        description = "The import statement to use for `symbol` in the file `from_path`, following the project's dominant import style (relative vs alias paths in TS/JS, `from x import y` vs relative in Python, module paths in Rust/Go/Java).",
        annotations(read_only_hint = true)
    )]
    async fn drift_import(
        &self,
        Parameters(args): Parameters<ImportArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.run(move |core| crate::imports::import_line(core, &args))
            .await
    }
}

#[prompt_router]
impl DriftServer {
    /// Primes an agent with the project's approved conventions.
    #[prompt(
        name = "drift_prime",
        description = "Prime the assistant with this project's approved coding conventions (and the strongest learned ones) before it writes code."
    )]
    async fn drift_prime(
        &self,
        Parameters(args): Parameters<PrimeArgs>,
    ) -> Result<Vec<PromptMessage>, ErrorData> {
        let core = self.core.clone();
        let text = tokio::task::spawn_blocking(move || {
            crate::resources::prime_text(&core, args.intent.as_deref())
        })
        .await
        .map_err(|e| ErrorData::internal_error(format!("prompt task failed: {e}"), None))?
        .map_err(|e| ErrorData::internal_error(e.message.clone(), Some(e.to_json())))?;
        Ok(vec![PromptMessage::new_text(Role::User, text)])
    }
}

impl DriftServer {
    /// Waits for the background scan (bounded by the tool timeout minus a
    /// margin), sending progress notifications when the request has a token.
    async fn wait_for_scan(&self, ctx: &RequestContext<RoleServer>) {
        let token = ctx.meta.get_progress_token();
        let mut rx = self.core.subscribe_scan();
        let limit = self
            .core
            .opts
            .tool_timeout
            .saturating_sub(std::time::Duration::from_millis(500));
        let deadline = tokio::time::Instant::now() + limit;
        let mut last = f64::NEG_INFINITY;
        loop {
            let status = rx.borrow_and_update().clone();
            if let Some(token) = &token {
                // MCP requires progress to increase, also across phase changes.
                let progress = (status.done as f64).max(last);
                if progress > last || !status.is_running() {
                    last = progress;
                    let mut p = ProgressNotificationParam::new(token.clone(), progress)
                        .with_message(format!(
                            "scan {}: {}",
                            serde_json::to_value(status.phase)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_string))
                                .unwrap_or_default(),
                            status.step.clone().unwrap_or_default()
                        ));
                    // A total below the carried-over progress (a later, smaller
                    // phase) would be meaningless: leave it out.
                    if let Some(total) = status.total.map(|t| t as f64)
                        && total >= progress
                    {
                        p = p.with_total(total);
                    }
                    let _ = ctx.peer.notify_progress(p).await;
                }
            }
            if !status.is_running() {
                return;
            }
            tokio::select! {
                changed = rx.changed() => if changed.is_err() { return },
                _ = tokio::time::sleep_until(deadline) => return,
                _ = ctx.ct.cancelled() => return,
            }
        }
    }
}

#[prompt_handler(router = self.prompt_router)]
impl ServerHandler for DriftServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
        )
        .with_server_info(Implementation::new("drift", env!("CARGO_PKG_VERSION")))
        .with_instructions(INSTRUCTIONS.to_string())
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.to_string();
        let limit = self.core.opts.tool_timeout;
        let tcc = ToolCallContext::new(self, request, context);
        with_timeout(&name, limit, self.tool_router.call(tcc)).await
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tool_router.list_all()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tool_router.get(name).cloned()
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(vec![
            Resource::new(CONVENTIONS_URI, "conventions")
                .with_title("Approved conventions")
                .with_description("The project's approved coding conventions (and strongest learned ones), as Markdown")
                .with_mime_type("text/markdown"),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        if request.uri != CONVENTIONS_URI {
            return Err(ErrorData::resource_not_found(
                format!("unknown resource {}", request.uri),
                Some(
                    serde_json::json!({ "hint": format!("the only resource is {CONVENTIONS_URI}") }),
                ),
            ));
        }
        let core = self.core.clone();
        let text =
            tokio::task::spawn_blocking(move || crate::resources::conventions_markdown(&core))
                .await
                .map_err(|e| ErrorData::internal_error(format!("resource task failed: {e}"), None))?
                .map_err(|e| ErrorData::internal_error(e.message.clone(), Some(e.to_json())))?;
        Ok(ReadResourceResult::new(vec![
            ResourceContents::text(text, CONVENTIONS_URI).with_mime_type("text/markdown"),
        ])
        .into())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn error_json(r: Result<CallToolResponse, ErrorData>) -> Value {
        let Ok(CallToolResponse::Complete(result)) = r else {
            panic!("expected a complete tool result");
        };
        assert_eq!(result.is_error, Some(true));
        let text = result.content[0].as_text().unwrap().text.clone();
        serde_json::from_str(&text).unwrap()
    }

    #[tokio::test]
    async fn slow_tools_time_out_with_a_structured_error() {
        let slow = async {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            Ok(CallToolResponse::Complete(CallToolResult::success(vec![])))
        };
        let v = error_json(
            with_timeout("drift_impact", std::time::Duration::from_millis(20), slow).await,
        );
        assert_eq!(v["error"]["code"], "timeout");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("drift_impact")
        );
        assert!(v["error"]["hint"].is_string());
        let fast = async {
            Ok(CallToolResponse::Complete(CallToolResult::success(vec![
                ContentBlock::text("{}"),
            ])))
        };
        let r = with_timeout("drift_status", std::time::Duration::from_secs(5), fast).await;
        assert!(matches!(r, Ok(CallToolResponse::Complete(ref c)) if c.is_error == Some(false)));
    }

    #[test]
    fn plain_text_errors_get_structure() {
        let r = CallToolResult::error(vec![ContentBlock::text(
            "failed to deserialize parameters: missing field `path`",
        )]);
        let r = structure_error("drift_file", r);
        let text = r.content[0].as_text().unwrap().text.clone();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["error"]["code"], "invalid_arguments");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("missing field")
        );
    }
}
