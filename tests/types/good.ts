// Must compile under tsc --strict: the public API as a TypeScript user writes it.
// Extend this file as the API grows (every method and record type).
import init, { isLocktError, LocktError, version, type LocktErrorKind } from "lockt-secureaccess";

await init();
const v: string = version();

function describe(error: unknown): string {
  if (error instanceof LocktError) {
    const kind: LocktErrorKind = error.kind;
    const status: number | undefined = error.status;
    const retry: boolean = error.retryable;
    const first: string | undefined = error.messages[0];
    return `${kind} ${status ?? "-"} ${retry} ${first ?? ""} ${error.details.length}`;
  }
  return String(error);
}

const e = new LocktError("Unauthorized", { kind: "auth", status: 401, messages: ["Unauthorized"] });
const json: { kind: LocktErrorKind; status: number | undefined } = e.toJSON();
console.log(v, describe(e), json);

// ── every method and record type ─────────────────────────────────────────
import {
  LocktClient,
  planBatches,
  validateDoors,
  validateFobAssignments,
  validateFobs,
  validateUser,
  validateUsers,
  type AccessLevel,
  type BatchProgress,
  type BatchReport,
  type BatchSummary,
  type LocktCredential,
  type CredentialSummary,
  type Door,
  type DoorInput,
  type DoorState,
  type LocktEvent,
  type EventGap,
  type EventTail,
  type Fob,
  type FobActivity,
  type FobAssignment,
  type FobInput,
  type Issue,
  type LocktClientOptions,
  type RecordReason,
  type RecordStatus,
  type Schedule,
  type SyncPlan,
  type User,
  type UserInput,
  type UserValidationReport,
  type LocktRequestEvent,
  type LocktResponseEvent,
  type LocktRetryEvent,
  type ValidationReport,
  type WireUser,
} from "lockt-secureaccess";

const options: LocktClientOptions = { apiUser: "u", apiKey: "k", baseUrl: "https://cloudapi.lockt.com/api/v1", timeoutMs: 5000, maxRetries: 1, headers: { "x-trace": "1" } };
const lockt = new LocktClient(options);
const patient = new LocktClient({
  apiUser: "u",
  apiKey: "k",
  rateLimit: { maxWaitMs: 600_000 },
  hooks: {
    request: (e: LocktRequestEvent) => console.log(e.method, e.url, e.path, e.attempt, e.headers["apikey"]),
    response: (e: LocktResponseEvent) => console.log(e.status ?? e.error, e.durationMs),
    retry: (e: LocktRetryEvent) => console.log(e.reason === "rate_limited", e.waitMs, e.status),
  },
});
const progress = (p: BatchProgress): string => (p.waiting ? `waiting ${p.waitingMs} ms` : `${p.sent}/${p.total}`);
console.log(patient, progress);
const signal = new AbortController().signal;

async function everyMethod(): Promise<void> {
  const users: User[] = await lockt.users.list({ signal });
  const one: User | null = await lockt.users.get(1693);
  const byIdNum: User | null = await lockt.users.getByIdNum("ABC123-98765");
  const input: UserInput[] = [{ id_num: "A1", first_name: "Ann", card_num: 5599, enabled: "true", access_expires: "2022-10-29 00:00:00", accesslevels: [{ id: 574 }, { name: "Housekeeping" }] }];
  const saved: BatchReport = await lockt.users.save(input, {
    updateExisting: true,
    validateFailsBatch: false,
    replacePrivileges: true,
    signal,
    onProgress: (p: BatchProgress) => console.log(p.batch, p.batches, p.sent, p.total),
  });
  const status: RecordStatus = saved.records[0].status;
  const reason: RecordReason | undefined = saved.records[0].reason;
  const stoppedKind: LocktErrorKind | undefined = saved.stoppedBy?.kind;
  const summary: BatchSummary = saved.summary;
  const validated: UserValidationReport = await lockt.users.validate(input);
  const assigned: User = await lockt.users.assignAccessLevels("ABC123-98765", ["Housekeeping", 512], { replace: false });
  const disabled: User = await lockt.users.disable(1693, { at: new Date() });
  const plan: SyncPlan = await lockt.users.plan(input, { key: "email", disableMissing: true });
  const planKey: "id_num" | "email" = plan.key;
  const applied: BatchReport = await lockt.users.apply(plan, { onProgress: () => {} });
  const creds: LocktCredential[] = await lockt.credentials.list();
  const claim: "Claimed" | "Unclaimed" | undefined = creds[0]?.claim_status;
  const credSummary: CredentialSummary = await lockt.credentials.summary();
  const reissued: BatchReport = await lockt.credentials.reissue([{ id: 335 }]);
  const events: LocktEvent[] = await lockt.events.list();
  const after: LocktEvent[] = await lockt.events.after(17249);
  const tail: EventTail = lockt.events.tail({ after: 17249, intervalMs: 1000, signal, onGap: (g: EventGap) => console.log(g.from, g.to) });
  for await (const event of tail) console.log(event.id, event.hw_time, tail.cursor, tail.gaps.length);
  const doors: Door[] = await lockt.doors.list();
  const doorInput: DoorInput[] = [{ name: "Door 1" }];
  const created: BatchReport = await lockt.doors.create(doorInput, { validateFailsBatch: false });
  const states: DoorState[] = await lockt.doors.states();
  const fobs: Fob[] = await lockt.fobs.list();
  const fobInput: FobInput[] = [{ name: "Fob 1", id_num: "ABC123", card_num: 5599, access_effective: "2022-05-05 05:00:00" }];
  const fobsCreated: BatchReport = await lockt.fobs.create(fobInput);
  const moves: FobAssignment[] = [{ id: "613297", user_id: 613188 }];
  const moved: BatchReport = await lockt.fobs.reassign(moves, { validateFailsBatch: true });
  const checked: FobActivity[] = await lockt.fobs.check();
  const schedules: Schedule[] = await lockt.schedules.list();
  const levels: AccessLevel[] = await lockt.accessLevels.list();
  const next: string = await lockt.nextCardNumber();
  console.log(claim, planKey, reason, stoppedKind, users, one, byIdNum, status, summary, validated, assigned, disabled, applied, creds, credSummary, reissued, events, after, doors, created, states, fobs, fobsCreated, moved, checked, schedules, levels, next);
}

const report: ValidationReport<WireUser> = validateUsers([{ first_name: "x" }]);
const wire: WireUser | undefined = report.valid[0];
const issues: Record<string, Issue[]> = validateUser({ email: "a@b" });
const chunks: number[][] = planBatches([1, 2, 3], 2);
const failure = new LocktError("x");
const detail: { index?: number | undefined; messages: string[] } | undefined = failure.details[0];
const branded: boolean = isLocktError(failure);
const shown: { baseUrl: string; apiUser: string | undefined } = lockt;
console.log(detail, branded, shown, lockt.users === lockt.users);
console.log(everyMethod, wire, issues, validateFobs([]), validateFobAssignments([]), validateDoors([]), chunks, JSON.stringify(lockt), String(lockt));

// The validators' own entry: the same functions and record types, without a client.
import initValidators, { validateUsers as validateOffline, planBatches as plan, userSchema as offlineSchema, type WireUser as OfflineWireUser } from "lockt-secureaccess/validate";
await initValidators();
const offline = validateOffline([{ id_num: "A1" }]);
const offlineFirst: OfflineWireUser | undefined = offline.valid[0];
const batchesOfNumbers: number[][] = plan([1, 2, 3], 2);
const offlineStandard: 1 = offlineSchema["~standard"].version;
console.log(offlineFirst, batchesOfNumbers, offlineStandard);
