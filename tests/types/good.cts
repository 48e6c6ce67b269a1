// The CommonJS typings (require under moduleResolution node16/nodenext).
import lockt = require("lockt-secureaccess");

const v: string = lockt.version();
const e = new lockt.LocktError("Timed out", { kind: "timeout", retryable: true });
const kind: lockt.LocktErrorKind = e.kind;
void lockt.init().then(() => console.log(v, kind));
