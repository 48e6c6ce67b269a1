// The page's own words for the SDK's errors, validation codes and per-record outcomes. The
// SDK's and the API's texts stay available as details.

const TITLES = {
  config: "Invalid connection settings.",
  auth: "Authentication failed.",
  bad_request: "The API did not accept the request.",
  validation: "The API refused the data.",
  not_found: "Not found.",
  rate_limited: "The API is busy.",
  server: "The Lockt service failed.",
  network: "Could not reach the API.",
  timeout: "The API did not answer in time.",
  aborted: "Cancelled.",
  decode: "Unexpected answer from the API.",
  internal: "Unexpected error in the SDK.",
};

const SENTENCES = {
  config: "Check the base URL: it must be an https:// address, or a path on this page's own site.",
  auth: "The API refused the API user or key (or the portal session). Check them and connect again.",
  bad_request: "Nothing was changed. The details say what the API objected to.",
  validation: "Nothing was saved for the records concerned. The details give the API's reasons.",
  not_found: "The API has no such record.",
  rate_limited: "Another change is still running. Try again in a moment.",
  server: "This is a problem on the service's side. Try again later.",
  network: "The connection failed before an answer came. Check the network; the page retries by itself.",
  timeout: "The API may still finish the request. Look before trying again.",
  aborted: "The operation was stopped on request.",
  decode: "The answer was not what the API documents, so it was not used.",
  internal: "This is a defect of the SDK. Reload the page.",
};

/** { title, sentence, details } of any error: the page's words, then the SDK's own text. */
export function describe(error) {
  const kind = typeof error?.kind === "string" && TITLES[error.kind] ? error.kind : "internal";
  const message = error?.message || String(error);
  const status = error?.status ? ` · HTTP ${error.status}` : "";
  return { kind, title: TITLES[kind], sentence: SENTENCES[kind], details: `${kind}${status}: ${message}` };
}

const LABELS = {
  first_name: "First name", last_name: "Last name", id_num: "ID number", email: "Email", phone: "Phone",
  card_num: "Card number", pin: "PIN", access_effective: "Access starts", access_expires: "Access ends",
  accesslevels: "Access level", enabled: "Enabled",
};

const CODES = {
  required: (label) => `${label} is required.`,
  not_an_object: () => "This row could not be read as a record.",
  invalid_type: (label) => `${label} has the wrong kind of value.`,
  not_numeric: (label) => `${label} may contain digits only.`,
  not_positive_integer: (label) => `${label} must be a whole number above 0.`,
  invalid_email: () => "This is not a valid email address, such as name@example.com.",
  invalid_date: (label) => `${label} is not a real date: use YYYY-MM-DD.`,
  date_order: () => "Access starts after it ends: check both dates.",
  too_long: (label) => `${label} is too long.`,
  invalid_phone: () => "A phone number may contain digits, spaces and + - ( ) . only.",
  control_character: (label) => `${label} may not contain line breaks or tabs.`,
  invalid_boolean: (label) => `${label} must be true or false.`,
  duplicate: (label) => `${label} appears twice in this input.`,
  already_assigned: (label) => `${label} already belongs to another user.`,
  level_not_found: () => "This access level does not exist.",
};

/** The code of one of the API's record messages (which carry none), when it is a known one. */
function codeOfApiMessage(message) {
  if (/Already Assigned/i.test(message)) return "already_assigned";
  if (/Access Level Not Found/i.test(message)) return "level_not_found";
  if (/Non-Numeric/i.test(message)) return "not_numeric";
  if (/Invalid email/i.test(message)) return "invalid_email";
  if (/Invalid date/i.test(message)) return "invalid_date";
  if (/requires first_name, last_name or id_num/i.test(message)) return "required";
  return null;
}

/** The form field one of the API's record messages is about, or null. */
export function fieldOfApiMessage(message) {
  if (/card/i.test(message)) return "card_num";
  if (/email/i.test(message)) return "email";
  if (/access level/i.test(message)) return "accesslevels";
  if (/ID Number|id_num/i.test(message)) return "id_num";
  if (/\bpin\b/i.test(message)) return "pin";
  const date = /access_effective|access_expires/.exec(message);
  return date ? date[0] : null;
}

/**
 * A validation issue `{ field, code?, message }` in the page's words. A user without a name or
 * ID number (field "") gets its own sentence; `withDetails` appends the SDK's or API's text.
 */
export function fieldMessage(issue, withDetails = false) {
  const code = issue.code ?? codeOfApiMessage(issue.message);
  let text;
  if (issue.field === "" && code === "required") text = "Give a first name, a last name or an ID number.";
  else if (code && CODES[code]) text = CODES[code](LABELS[issue.field] ?? (issue.field || "This value"));
  else text = issue.message;
  return withDetails && text !== issue.message ? `${text} (${issue.message})` : text;
}

/** What happened to an imported row, for the report. */
export const OUTCOME_TEXT = {
  saved: "saved",
  unchanged: "unchanged: already held as sent",
  ignored: "ignored: exists and Update existing is off",
  rejected: "rejected",
  unknown: "unknown",
  notSent: "not sent",
};

const LEADS = {
  invalid: "Failed the checks before sending:",
  server_rejected: "The API refused it:",
  batch_failed: "Refused with its call because another row failed:",
};

const NOT_SENT = {
  aborted: "Not sent: the import was cancelled.",
  stopped: "Not sent: the import stopped after an error.",
  not_reached: "Not sent.",
};

/**
 * One record of the SDK's BatchReport as `{ outcome, messages }`. `existed`: a user with its
 * ID number or email was there before the run. Uses the record's `reason` when the SDK gives
 * one, else its status and messages.
 */
export function recordOutcome(record, { existed, updateExisting }) {
  const { status, reason, messages } = record;
  if (status === "committed") {
    // The API skips an existing user when updateExisting is off; the SDK read it back as sent.
    return { outcome: existed && !updateExisting ? "unchanged" : "saved", messages: [] };
  }
  if (status === "rejected") {
    if (reason === "ignored_existing" || messages.some((m) => /^Ignored by the API/.test(m))) {
      return { outcome: "ignored", messages: ["A user with this ID number or email exists and differs; tick Update existing to change it."] };
    }
    const lead = LEADS[reason] ?? (record.input_data ? LEADS.server_rejected : "Rejected:");
    return { outcome: "rejected", messages: [`${lead} ${messages.map((m) => fieldMessage({ field: fieldOfApiMessage(m) ?? "", message: m }, true)).join(" ")}`] };
  }
  if (status === "unknown") {
    return { outcome: "unknown", messages: ["Not confirmed: the API did not answer, and reading back could not tell. Retry it, or look the user up."] };
  }
  const cancelled = reason === "aborted" || (!reason && messages.some((m) => /aborted/i.test(m)));
  return { outcome: "notSent", messages: [cancelled ? NOT_SENT.aborted : NOT_SENT[reason] ?? NOT_SENT.stopped] };
}
