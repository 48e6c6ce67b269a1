// Shared by the examples: a client from the environment, defaulting to the local sandbox
// (`npm run demo`, or `cargo run -p lockt-sandbox -- --port 8080`).
//
//   LOCKT_BASE_URL  default http://127.0.0.1:8080/api/v1
//   LOCKT_API_USER  default the sandbox's (the reference's example pair)
//   LOCKT_API_KEY
import { LocktClient } from "lockt-secureaccess";

export function connect() {
  return new LocktClient({
    baseUrl: process.env.LOCKT_BASE_URL ?? "http://127.0.0.1:8080/api/v1",
    apiUser: process.env.LOCKT_API_USER ?? "9r8ehveyb5h8mnwwet4yf9ugjynz8pkn",
    apiKey: process.env.LOCKT_API_KEY ?? "hqx7wde64vwe987fvg6q4zaautrs3p7j",
  });
}
