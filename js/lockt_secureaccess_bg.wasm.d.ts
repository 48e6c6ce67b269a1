// Types of the .wasm file, for runtimes that import it as a compiled module (edge workers):
// `import wasm from "lockt-secureaccess/lockt_secureaccess_bg.wasm"; await init({ module_or_path: wasm })`.
import type { LocktWasmModule } from "./index.js";

declare const wasm: LocktWasmModule;
export default wasm;
