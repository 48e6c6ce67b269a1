// Types of the .wasm file for CommonJS resolution (see lockt_secureaccess_bg.wasm.d.ts).
declare const wasm: object;
export = wasm;
