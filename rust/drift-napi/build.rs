fn main() {
    // Sets the linker flags a Node addon needs (on macOS `-undefined
    // dynamic_lookup`; N-API symbols are resolved from the host process).
    napi_build::setup();
}
