// A plain webpack 5 project: no wasm plugin, no experiments.
const path = require("node:path");

module.exports = {
  mode: "production",
  entry: "./app/main.js",
  output: { path: path.resolve(__dirname, "dist"), filename: "main.js", clean: true },
  performance: { hints: false },
};
