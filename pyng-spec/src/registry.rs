//! The rule registry: every rule id the kit can emit, with its severity, what it
//! checks, where it comes from and (for the per-value rules) the templates its
//! messages are rendered from. The linter, both body validators, the generated
//! `check()` (through the codegen core, at generation time) and the conformance
//! catalogue all read this table, so a rule cannot be worded, graded or named
//! differently in two places.
//!
//! Emitters name a rule by [`RuleId`], so an unregistered id does not compile.
//! The invariant ids (`amount.*`) are written in the specs: they are one
//! [`Family`] entry, [`INVARIANTS`].
//!
//! The `x-` keys and where each may stand are in [`crate::extensions`]
//! ([`crate::extensions::EXTENSIONS`]), beside their typed forms.

use std::fmt;

use crate::diag::Severity;

/// Which part of the kit evaluates a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// The loader and linter, on a spec document (`lint.*`).
    Spec,
    /// The body validators (`validate`, `validate::stream`), on one JSON value.
    Value {
        /// The generated `check()` evaluates it too (the others are what typed
        /// deserialization itself enforces).
        generated: bool,
    },
    /// The conformance engine, on recorded or live traffic.
    Traffic,
}

/// One registered rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The variant that names the rule in code.
    pub id: RuleId,
    /// The stable id, `category.name`.
    pub name: &'static str,
    /// Its grade when it fires.
    pub severity: Severity,
    /// Which part of the kit evaluates it.
    pub stage: Stage,
    /// What the rule requires, in one sentence.
    pub description: &'static str,
    /// The spec construct or document the rule comes from.
    pub source: &'static str,
}

impl Rule {
    /// The category: the part of the id before the first dot.
    pub fn category(&self) -> &'static str {
        category(self.name)
    }
}

/// The part of a rule id before the first dot.
pub fn category(id: &str) -> &str {
    id.split('.').next().unwrap_or(id)
}

macro_rules! registry {
    ($($variant:ident = $name:literal, $severity:ident, $stage:expr, $description:literal, $source:literal;)*) => {
        /// A registered rule; [`RuleId::rule`] has its entry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $(#[doc = $description] $variant,)*
        }

        /// Every fixed rule, in the order `pyng-conformance rules` lists them.
        pub const RULES: &[Rule] = &[
            $(Rule {
                id: RuleId::$variant,
                name: $name,
                severity: Severity::$severity,
                stage: $stage,
                description: $description,
                source: $source,
            },)*
        ];
    };
}

const SPEC: Stage = Stage::Spec;
const TRAFFIC: Stage = Stage::Traffic;
const VALUE: Stage = Stage::Value { generated: false };
const GENERATED: Stage = Stage::Value { generated: true };

registry! {
    InputUnreadable = "input.unreadable", Error, TRAFFIC,
        "A file or directory cannot be read.",
        "the run's inputs";
    InputMalformed = "input.malformed", Error, TRAFFIC,
        "A file, HAR entry, recorded exchange or NDJSON line is not in the expected format.",
        "HAR 1.2; docs/recording-format.md";
    InputTruncated = "input.truncated", Error, TRAFFIC,
        "A HAR file or recording ends before its JSON is complete.",
        "HAR 1.2; docs/recording-format.md";
    InputSkipped = "input.skipped", Warning, TRAFFIC,
        "A directory walk met a FIFO, socket or device with a recording's name and did not read it (it could block the run).",
        "the run's inputs";
    InputTimestamp = "input.timestamp", Error, TRAFFIC,
        "A recorded time (`startedAt`, HAR `startedDateTime`) is an RFC 3339 date-time; without one the timeout rules are not evaluated for the exchange.",
        "HAR 1.2; docs/recording-format.md `startedAt`";
    InputAborted = "input.aborted", Error, TRAFFIC,
        "A live run (`poll`) ends as planned: a refused request, an unreachable server, failed authentication or a signal stops it early, and what it did not poll is not checked.",
        "the run's inputs";
    InputNothingChecked = "input.nothing-checked", Error, TRAFFIC,
        "A run checks at least one exchange: no input, no exchange, or only entries that match no operation is an error, never a pass.",
        "the run's inputs";
    InputUnmatched = "input.unmatched", Warning, TRAFFIC,
        "Entries whose method and path match no operation of the loaded specs (reported once per file).",
        "the specs' `paths`";
    InputSpecVersion = "input.spec-version", Warning, TRAFFIC,
        "The recording was made against a spec title/version that is not loaded.",
        "docs/recording-format.md `spec`; the specs' `info.version`";
    SchemaNumberRange = "schema.number-range", Error, TRAFFIC,
        "A body's number is within the range of a 64-bit float; beyond it (`1e400`) the body cannot be checked.",
        "RFC 8259 § 6 (implementations may limit the range of numbers)";
    SchemaTooDeep = "schema.too-deep", Error, TRAFFIC,
        "A body nests arrays and objects at most 128 levels deep; deeper, the body cannot be checked.",
        "RFC 8259 § 9 (implementations may limit the depth of nesting)";
    StateFinalNotReached = "state.final-not-reached", Error, TRAFFIC,
        "With --require-final: the traffic of every exercised state-machine operation reaches one of its final states.",
        "`x-state-machine.final`";
    HttpStatusDocumented = "http.status-documented", Error, TRAFFIC,
        "The response status code is documented for the operation.",
        "the operation's `responses`";
    HttpRequestParameters = "http.request-parameters", Error, TRAFFIC,
        "The recorded request sends every required parameter (a header in any case), each value read as its schema's type and checked against it (`type`, `pattern`, `enum`; an array's items from repeated query keys or a comma-separated header or path segment).",
        "the operation's `parameters`";
    HttpRequestOneOf = "http.request-one-of", Error, TRAFFIC,
        "The recorded request sends exactly one of the `x-one-of-parameters` (e.g. Peach's checkoutId or merchantTransactionId).",
        "the operation's `x-one-of-parameters`";
    HttpRequestBody = "http.request-body", Error, TRAFFIC,
        "The recorded request sends the body the operation documents: one when `required`, of a documented media type (JSON or form), readable as it; its content is checked with the `schema.*` rules.",
        "the operation's `requestBody`";
    HttpRequestCredentials = "http.request-credentials", Error, TRAFFIC,
        "The recorded request carries the credentials of one of the operation's security requirements: `Authorization: Bearer` for a bearer or OAuth 2.0 scheme, `Authorization: Basic` for HTTP basic (a signed query is `signature.request`'s; a redacted value counts as present).",
        "the operation's (or the document's) `security`";
    HttpDeprecated = "http.deprecated", Warning, TRAFFIC,
        "The recorded request calls no operation, and sends no parameter, that the spec marks `deprecated`, and no response carries a deprecated header (a warning: it still works, until it is removed).",
        "`deprecated` of an operation, a parameter or a response header";
    HttpResponseHeader = "http.response-header", Error, TRAFFIC,
        "A response carries every header its documented response requires (in any case), each value of its schema's `type`, `pattern` and `enum`.",
        "the response's `headers`";
    HttpContentType = "http.content-type", Error, TRAFFIC,
        "A response documented as JSON is recorded with a JSON Content-Type.",
        "the response's `content` media type";
    SchemaNotJson = "schema.not-json", Error, TRAFFIC,
        "A response body documented as JSON is not JSON (empty, truncated or broken).",
        "the response's `content` media type";
    SchemaDuplicateKey = "schema.duplicate-key", Error, TRAFFIC,
        "A JSON object repeats a key (RFC 8259: names SHOULD be unique; readers disagree on which wins).",
        "RFC 8259 § 4";
    SchemaRequired = "schema.required", Error, VALUE,
        "A required property is missing.",
        "schema `required`";
    SchemaType = "schema.type", Error, VALUE,
        "A value has the wrong JSON type.",
        "schema `type`";
    SchemaEnum = "schema.enum", Error, VALUE,
        "A value is not one of its schema's `enum` values: a string case-sensitively; an integer, number or boolean by JSON equality (`1` equals `1.0`).",
        "schema `enum`";
    SchemaFormat = "schema.format", Error, GENERATED,
        "A value is not of its `format`: an integer out of the int32 or int64 range; a `float` beyond `f32::MAX` in magnitude; a string not a date, date-time, uuid, ipv4, ipv6, byte (base64), email, hostname or uri (`pyng_spec::formats`).",
        "schema `format`";
    SchemaMinimum = "schema.minimum", Error, GENERATED,
        "An integer or number is at least its `minimum` (greater than it with `exclusiveMinimum: true`), compared exactly.",
        "schema `minimum`, `exclusiveMinimum`";
    SchemaMaximum = "schema.maximum", Error, GENERATED,
        "An integer or number is at most its `maximum` (less than it with `exclusiveMaximum: true`), compared exactly.",
        "schema `maximum`, `exclusiveMaximum`";
    SchemaMultipleOf = "schema.multiple-of", Error, GENERATED,
        "An integer or number is a multiple of its `multipleOf`, in exact decimal arithmetic.",
        "schema `multipleOf`";
    SchemaMinLength = "schema.min-length", Error, GENERATED,
        "A string has at least `minLength` characters (Unicode code points).",
        "schema `minLength`";
    SchemaMaxLength = "schema.max-length", Error, GENERATED,
        "A string has at most `maxLength` characters (Unicode code points).",
        "schema `maxLength`";
    SchemaMinItems = "schema.min-items", Error, GENERATED,
        "An array has at least `minItems` items.",
        "schema `minItems`";
    SchemaMaxItems = "schema.max-items", Error, GENERATED,
        "An array has at most `maxItems` items.",
        "schema `maxItems`";
    SchemaUniqueItems = "schema.unique-items", Error, GENERATED,
        "An array with `uniqueItems: true` has no two equal items (JSON equality: `1` equals `1.0`, key order does not matter).",
        "schema `uniqueItems`";
    SchemaMinProperties = "schema.min-properties", Error, VALUE,
        "An object has at least `minProperties` properties, every present one counted (undocumented ones and nulls too).",
        "schema `minProperties`";
    SchemaMaxProperties = "schema.max-properties", Error, VALUE,
        "An object has at most `maxProperties` properties, every present one counted (undocumented ones and nulls too).",
        "schema `maxProperties`";
    SchemaOneOf = "schema.one-of", Error, GENERATED,
        "A value matches exactly one of its `oneOf` schemas (a schema matches when checking the value against it finds no error).",
        "schema `oneOf`";
    SchemaAnyOf = "schema.any-of", Error, GENERATED,
        "A value matches at least one of its `anyOf` schemas.",
        "schema `anyOf`";
    SchemaDiscriminator = "schema.discriminator", Error, GENERATED,
        "An object under a `discriminator` has its property, the property names one of the members (by `mapping` or component name), and the object matches that member.",
        "schema `discriminator`";
    SchemaNot = "schema.not", Error, GENERATED,
        "A value does not match its `not` schema.",
        "schema `not`";
    SchemaPattern = "schema.pattern", Error, VALUE,
        "A string does not match its `pattern`.",
        "schema `pattern`";
    SchemaNullable = "schema.nullable", Error, VALUE,
        "null where the schema is not `nullable` (OAS 3.0.3).",
        "schema `nullable`";
    SchemaDeprecated = "schema.deprecated", Warning, GENERATED,
        "A property marked `deprecated` has a value (it may be removed).",
        "schema `deprecated`";
    SchemaWriteOnly = "schema.write-only", Error, GENERATED,
        "A property marked `writeOnly` has no value in a response.",
        "schema `writeOnly`";
    SchemaReadOnly = "schema.read-only", Error, TRAFFIC,
        "A property marked `readOnly` has no value in a request body (the server sets it).",
        "schema `readOnly`";
    SchemaAdditionalProperty = "schema.additional-property", Error, VALUE,
        "An object has only the properties its schema lists where `additionalProperties: false` (the generated models refuse others when they deserialize).",
        "schema `additionalProperties`";
    SchemaUndocumentedProperty = "schema.undocumented-property", Warning, VALUE,
        "A property the schema does not document.",
        "schema `properties`";
    SchemaTimestampFormat = "schema.timestamp-format", Warning, VALUE,
        "A timestamp that is not RFC 3339 where the spec assumes it (`x-unit: rfc3339`).",
        "`x-unit`";
    StateFinalStateLeft = "state.final-state-left", Error, TRAFFIC,
        "A later poll shows a different status after a final one.",
        "`x-state-machine.final`";
    StateInvalidTransition = "state.invalid-transition", Error, TRAFFIC,
        "A later poll shows a status not reachable from the previous one (backwards or undocumented); skipped states are fine.",
        "`x-state-machine.transitions`";
    StateCorrection = "state.correction", Warning, TRAFFIC,
        "A later poll shows a status after a final one that the provider documents as a correction (reported, not an error; any other move out of a final state is `state.final-state-left`).",
        "`x-state-machine.corrections`";
    StateTimeout = "state.timeout", Error, TRAFFIC,
        "A resource stays in a state past its timeout (or its deadline field), with one polling interval of tolerance.",
        "`x-state-machine.timeouts`, `x-polling`";
    StateStatusOutcome = "state.status-outcome", Error, GENERATED,
        "The outcome is absent before a final status and matches the final status after.",
        "`x-outcome`";
    StateConditionalPresence = "state.conditional-presence", Error, GENERATED,
        "A property present or absent depending on the status.",
        "`x-presence`";
    StateMonotonic = "state.monotonic", Error, TRAFFIC,
        "A last-updated timestamp goes back within a sequence.",
        "`x-monotonic`";
    ClientPollInterval = "client.poll-interval", Warning, TRAFFIC,
        "The client polls a resource no faster than the operation's polling interval, with 20% tolerance (retries after an error are `client.backoff`'s).",
        "`x-polling.intervalSeconds`";
    ClientRateLimit = "client.rate-limit", Error, TRAFFIC,
        "The client sends an operation no more requests than its `x-rate-limit` admits: at most `requests` within any `perSeconds`, counted per value of the limit's `key` parameters (per merchant) across all resources.",
        "`x-rate-limit`";
    ClientPollAfterFinal = "client.poll-after-final", Warning, TRAFFIC,
        "The client stops polling a resource once it has shown a final state (one confirming poll is allowed).",
        "`x-state-machine.final`";
    ClientPollExpired = "client.poll-expired", Error, TRAFFIC,
        "The client stops polling a resource that has expired (a final state a timeout `becomes`) and creates a new one instead (one confirming poll is allowed).",
        "`x-state-machine.timeouts[].becomes`";
    ClientRetryAfter = "client.retry-after", Error, TRAFFIC,
        "After a response with `Retry-After` (delay-seconds, or an HTTP-date taken against the response's `Date`), the client's next request for the resource waits at least that long.",
        "RFC 9110 § 10.2.3 (Retry-After)";
    ClientBackoff = "client.backoff", Warning, TRAFFIC,
        "After a 429 or 5xx response without `Retry-After`, the client waits at least the polling interval before retrying, and longer after each error in a row.",
        "`x-polling.intervalSeconds`; RFC 9110 § 15.6 (5xx), RFC 6585 § 4 (429)";
    ClientTokenReuse = "client.token-reuse", Warning, TRAFFIC,
        "The client reuses its access token until it expires: no new token request while the last token (the last successful token response's `expires_in`, less the last 10% or 30 s of it) is unexpired and unrefused, and no token before most requests that carry one; the token operation is the OAuth 2.0 `tokenUrl` of the bearer scheme.",
        "RFC 6749 § 5.1 (`expires_in`), § 4.4; the bearer scheme's `tokenUrl` (`provider-facts.md#Pyng`)";
    IdentityEcho = "identity.echo", Error, TRAFFIC,
        "A request parameter is repeated unchanged in the body.",
        "`x-echo`";
    IdentityIdempotentReplay = "identity.idempotent-replay", Error, TRAFFIC,
        "A replay of an `x-idempotency` call (the same key) with the same body answers as the first call did (status and body); one with the same key and another body is refused (a 4xx).",
        "`x-idempotency`; specs/README.md § Idempotency";
    IdentityStable = "identity.stable", Error, TRAFFIC,
        "An id never changes within a polling sequence once present.",
        "`x-stable`";
    LinkPollBeforeCreation = "link.poll-before-creation", Error, TRAFFIC,
        "A resource a recorded creation made (a success response whose `links` name a polled operation) is not polled before that creation.",
        "OpenAPI 3.0.3 Link Object; specs/README.md § Links";
    LinkFirstStateInitial = "link.first-state-initial", Error, TRAFFIC,
        "The first status of a created resource (in the creation's body when it has the status field, else in the first poll) is an `initial` state of the machine.",
        "`x-state-machine.initial`; OpenAPI 3.0.3 Link Object";
    LinkStableValue = "link.stable-value", Error, TRAFFIC,
        "A value the creation returned where the status body has an `x-stable` or deadline field (`expiresAt`, `orderId`, `siteId`) is repeated unchanged by every poll of the created resource.",
        "`x-stable`, `x-state-machine.timeouts[].deadlineField`; OpenAPI 3.0.3 Link Object";
    SignatureRequest = "signature.request", Error, TRAFFIC,
        "A request of a signed-query operation carries a signature that verifies with the configured secret.",
        "`x-signature` (provider-facts.md § Peach Payments)";
    SignatureResponse = "signature.response", Error, TRAFFIC,
        "A response's signature field verifies with the configured secret.",
        "`x-signature.responses: body-field`";
    SignatureUnverifiable = "signature.unverifiable", Warning, TRAFFIC,
        "A signature cannot be re-verified: a secret was redacted from the signed parameters or fields when the traffic was recorded (the signature rules are not evaluated for that exchange).",
        "`x-signature`; pyng-conformance-cli/docs/live.md § Credentials";

    LintUnreadable = "lint.unreadable", Error, SPEC,
        "The spec file can be read.",
        "the spec file";
    LintNestingDepth = "lint.nesting-depth", Error, SPEC,
        "YAML collections nest at most 64 levels deep.",
        "specs/README.md § Limits";
    LintYamlSyntax = "lint.yaml-syntax", Error, SPEC,
        "The spec is well-formed YAML (or JSON).",
        "YAML 1.2";
    LintOpenapiStructure = "lint.openapi-structure", Error, SPEC,
        "The document is an OpenAPI 3.0.3 document.",
        "OpenAPI 3.0.3";
    LintUnsupported = "lint.unsupported", Error, SPEC,
        "The spec uses only the OpenAPI constructs the kit implements.",
        "OpenAPI 3.0.3; specs/README.md";
    LintUncheckedFormat = "lint.unchecked-format", Warning, SPEC,
        "A schema's `format` is one the kit checks where it stands (`int64` on integers but parameters, `int32` on integer properties, `date`, `date-time`, `uuid`, `ipv4`, `ipv6`, `byte`, `email`, `hostname`, `uri` on string properties, `float` and `double` on number properties; `binary` and `password` are annotations); any other is not checked, and the spec says so.",
        "schema `format`; specs/README.md § Supported OpenAPI 3.0.3";
    LintRefSiblings = "lint.ref-siblings", Warning, SPEC,
        "A schema `$ref` stands alone: OpenAPI 3.0.3 ignores the members beside it.",
        "OpenAPI 3.0.3 § Reference Object";
    LintReadAndWriteOnly = "lint.read-and-write-only", Error, SPEC,
        "A property is not both `readOnly` and `writeOnly` (OAS 3.0.3: it MUST NOT be; it could be sent neither way).",
        "schema `readOnly`, `writeOnly`";
    LintDefaultViolation = "lint.default-violation", Warning, SPEC,
        "A property's `default` passes its own schema; a warning, since `default` is documentation (a JSON Schema annotation): values are checked, defaults are never filled in.",
        "schema `default`";
    LintMalformedExtension = "lint.malformed-extension", Error, SPEC,
        "An `x-` extension's value has the documented shape.",
        "specs/README.md § The `x-` vocabulary";
    LintUnknownExtension = "lint.unknown-extension", Error, SPEC,
        "An `x-` key that is a near miss of one of the kit's own (`x-state-machin`) is an error; other vendor extensions are OpenAPI's and are allowed.",
        "specs/README.md § The `x-` vocabulary";
    LintMisplacedExtension = "lint.misplaced-extension", Error, SPEC,
        "An `x-` key stands only where the vocabulary says it applies (an extension elsewhere would be ignored).",
        "specs/README.md § The `x-` vocabulary, column `where`";
    LintUnknownField = "lint.unknown-field", Error, SPEC,
        "An extension names only properties the schema has.",
        "`x-presence`, `x-outcome`, `x-echo`, `x-state-machine.timeouts`";
    LintUnknownState = "lint.unknown-state", Error, SPEC,
        "An extension names only states of the enum it is about.",
        "`x-state-machine`, `x-presence`, `x-outcome`";
    LintTimeoutInFinalState = "lint.timeout-in-final-state", Error, SPEC,
        "A timeout's `while` states are not final (a final state is never left, so it cannot time out).",
        "`x-state-machine.timeouts`";
    LintOutcomeNotFinal = "lint.outcome-not-final", Error, SPEC,
        "`x-outcome.map` gives outcomes for final states only.",
        "`x-outcome`, `x-state-machine.final`";
    LintUnknownOutcome = "lint.unknown-outcome", Error, SPEC,
        "`x-outcome.map` maps to values of the outcome enum.",
        "`x-outcome`";
    LintFinalStateWithoutOutcome = "lint.final-state-without-outcome", Error, SPEC,
        "`x-outcome.map` gives an outcome for every final state of the status enum.",
        "`x-outcome`, `x-state-machine.final`";
    LintFinalStateLeft = "lint.final-state-left", Error, SPEC,
        "A final state has no outgoing transitions.",
        "`x-state-machine`";
    LintBadCorrection = "lint.bad-correction", Error, SPEC,
        "A correction leads from a final state to another state.",
        "`x-state-machine.corrections`";
    LintNoWayOut = "lint.no-way-out", Warning, SPEC,
        "From every state with transitions some final state is reachable.",
        "`x-state-machine`";
    LintDurationRange = "lint.duration-range", Error, SPEC,
        "Durations are at most one year.",
        "specs/README.md § Limits";
    LintInvariantSyntax = "lint.invariant-syntax", Error, SPEC,
        "An invariant is an expression of the invariant language.",
        "`x-invariants`; specs/README.md § expression language";
    LintInvariantId = "lint.invariant-id", Error, SPEC,
        "An invariant id is `amount.<name>`.",
        "`x-invariants`";
    LintInvariantField = "lint.invariant-field", Error, SPEC,
        "An invariant reads only fields that exist and hold numbers.",
        "`x-invariants`";
    LintBadPattern = "lint.bad-pattern", Error, SPEC,
        "A `pattern` is a regular expression the checker can run.",
        "schema `pattern`";
    LintMissingOperationId = "lint.missing-operation-id", Error, SPEC,
        "Every operation has an `operationId`.",
        "the operation's `operationId`";
    LintUnknownParameter = "lint.unknown-parameter", Error, SPEC,
        "An extension names only parameters the operation has.",
        "`x-resource-key`, `x-one-of-parameters`, `x-echo`, `x-idempotency`, `x-signature`";
    LintDanglingRef = "lint.dangling-ref", Error, SPEC,
        "Every `$ref` names a component that exists.",
        "OpenAPI 3.0.3 `$ref`";
    LintRefNameClash = "lint.ref-name-clash", Error, SPEC,
        "A component imported from another file does not share its kind and name with one the document already has.",
        "OpenAPI 3.0.3 `$ref` to another file; specs/README.md § Shared components";
    LintDanglingLink = "lint.dangling-link", Error, SPEC,
        "Every response link names an operation of the same spec and only its parameters.",
        "OpenAPI 3.0.3 Link Object";
    LintAmbiguousStatusField = "lint.ambiguous-status-field", Error, SPEC,
        "A response has one status field: no two state-machine fields at the same, shallowest depth.",
        "`x-state-machine`; specs/README.md § The status field";
    LintRefCycle = "lint.ref-cycle", Error, SPEC,
        "`$ref` alias chains end at a schema.",
        "specs/README.md § Limits";
    LintExampleViolation = "lint.example-violation", Error, SPEC,
        "Every documented example passes its own spec (or lists the rules it breaks).",
        "the response's `examples`, `x-expected-violations`";
    LintStaleExpectedViolation = "lint.stale-expected-violation", Error, SPEC,
        "Every rule an example's `x-expected-violations` lists does fire on it.",
        "`x-expected-violations`";
}

impl RuleId {
    /// Every registered id, in table order.
    pub fn all() -> impl Iterator<Item = RuleId> {
        RULES.iter().map(|r| r.id)
    }

    /// The registry entry.
    pub fn rule(self) -> &'static Rule {
        // The table is built from the enum by one macro, in declaration order.
        &RULES[self as usize]
    }

    /// The stable id, `category.name`.
    pub fn name(self) -> &'static str {
        self.rule().name
    }

    /// The registered severity.
    pub fn severity(self) -> Severity {
        self.rule().severity
    }

    /// The id registered under `name`.
    pub fn from_name(name: &str) -> Option<RuleId> {
        RULES.iter().find(|r| r.name == name).map(|r| r.id)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A family of rules whose ids are written in the specs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// Every id of the family starts with it.
    pub prefix: &'static str,
    /// The severity of every rule of the family.
    pub severity: Severity,
    /// Which part of the kit evaluates the family's rules.
    pub stage: Stage,
    /// Used when the spec gives none.
    pub description: &'static str,
    /// The spec construct the family comes from.
    pub source: &'static str,
}

/// The `x-invariants` ids, `amount.<name>`.
pub const INVARIANTS: Family = Family {
    prefix: "amount.",
    severity: Severity::Error,
    stage: GENERATED,
    description: "Amount invariant",
    source: "`x-invariants`",
};

/// What a rule id is registered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// A fixed rule of the table.
    Rule(&'static Rule),
    /// A rule of a family, e.g. an `amount.*` invariant.
    Family(&'static Family),
}

impl Entry {
    /// Which part of the kit evaluates the rule.
    pub fn stage(self) -> Stage {
        match self {
            Entry::Rule(r) => r.stage,
            Entry::Family(f) => f.stage,
        }
    }

    /// The rule's registered severity.
    pub fn severity(self) -> Severity {
        match self {
            Entry::Rule(r) => r.severity,
            Entry::Family(f) => f.severity,
        }
    }
}

/// The registry entry of any rule id, fixed or of a family.
pub fn lookup(id: &str) -> Option<Entry> {
    if let Some(r) = RULES.iter().find(|r| r.name == id) {
        return Some(Entry::Rule(r));
    }
    (id.len() > INVARIANTS.prefix.len() && id.starts_with(INVARIANTS.prefix))
        .then_some(Entry::Family(&INVARIANTS))
}

/// The rule a finding names: a fixed one, or an invariant id from a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleRef<'a> {
    /// A rule of the table.
    Fixed(RuleId),
    /// An invariant id from a spec's `x-invariants`, `amount.<name>`.
    Invariant(&'a str),
}

impl RuleRef<'_> {
    /// The rule id as findings show it.
    pub fn name(&self) -> &str {
        match self {
            RuleRef::Fixed(id) => id.name(),
            RuleRef::Invariant(id) => id,
        }
    }

    /// The rule's registered severity (every invariant has [`INVARIANTS`]'s).
    pub fn severity(&self) -> Severity {
        match self {
            RuleRef::Fixed(id) => id.severity(),
            RuleRef::Invariant(_) => INVARIANTS.severity,
        }
    }
}

/// A message with named holes, `{name}`. The interpreter renders it with
/// [`Template::render`]; the codegen core turns it into a `format!` string with
/// [`Template::format_string`], the holes known at generation time filled in
/// and the others left for the generated code's variables of the same names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    /// The message, `{name}` marking each hole.
    pub text: &'static str,
}

/// A message of a fixed rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    /// The rule the message reports.
    pub rule: RuleId,
    /// Its wording.
    pub template: Template,
}

/// A piece of a template: literal text or a hole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'t> {
    /// Literal text, without braces.
    Text(&'t str),
    /// The name of a hole, without its braces.
    Hole(&'t str),
}

impl Template {
    /// The pieces in order. Text has no braces (a test holds every template
    /// to that), so every `{...}` is a hole.
    pub fn pieces(&self) -> impl Iterator<Item = Piece<'static>> {
        let mut rest = self.text;
        std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            if let Some(after) = rest.strip_prefix('{')
                && let Some((name, tail)) = after.split_once('}')
            {
                rest = tail;
                return Some(Piece::Hole(name));
            }
            // A `{` past the start, or one without `}` (then all the rest is text).
            let end = rest
                .char_indices()
                .skip(1)
                .find(|&(_, c)| c == '{')
                .map_or(rest.len(), |(i, _)| i);
            let (text, tail) = rest.split_at(end);
            rest = tail;
            Some(Piece::Text(text))
        })
    }

    /// The names of the holes.
    pub fn holes(&self) -> impl Iterator<Item = &'static str> {
        self.pieces().filter_map(|p| match p {
            Piece::Hole(h) => Some(h),
            Piece::Text(_) => None,
        })
    }

    /// The message, each hole replaced by its argument (a hole without one is
    /// kept as written).
    pub fn render(&self, args: &[(&str, &dyn fmt::Display)]) -> String {
        use fmt::Write;
        let mut out = String::with_capacity(self.text.len() + 32);
        for piece in self.pieces() {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Hole(h) => match args.iter().find(|(name, _)| *name == h) {
                    Some((_, value)) => {
                        let _ = write!(out, "{value}");
                    }
                    None => {
                        let _ = write!(out, "{{{h}}}");
                    }
                },
            }
        }
        out
    }

    /// A `format!` string: the holes in `known` replaced by their (escaped)
    /// values, the others left as `{name}` for variables in scope.
    pub fn format_string(&self, known: &[(&str, &str)]) -> String {
        let escape = |s: &str| s.replace('{', "{{").replace('}', "}}");
        let mut out = String::new();
        for piece in self.pieces() {
            match piece {
                Piece::Text(t) => out.push_str(&escape(t)),
                Piece::Hole(h) => match known.iter().find(|(name, _)| *name == h) {
                    Some((_, value)) => out.push_str(&escape(value)),
                    None => {
                        out.push('{');
                        out.push_str(h);
                        out.push('}');
                    }
                },
            }
        }
        out
    }
}

/// The messages of the per-value rules.
pub mod messages {
    use super::{Message, RuleId, Template};

    const fn t(rule: RuleId, text: &'static str) -> Message {
        Message {
            rule,
            template: Template { text },
        }
    }

    /// `schema.nullable`: a `null` where the schema is not nullable.
    pub const NULL: Message = t(
        RuleId::SchemaNullable,
        "null is not allowed here (the schema is not nullable)",
    );
    /// `schema.type`: a value of the wrong JSON type.
    pub const TYPE: Message = t(RuleId::SchemaType, "expected {expected}, found {found}");
    /// `schema.enum`: a value outside an inline enum.
    pub const NOT_ALLOWED: Message = t(RuleId::SchemaEnum, "`{value}` is not one of {allowed}");
    /// `schema.enum`: a value that is not one of a named enum's values; `{hint}` is
    /// [`CASE_HINT`] or empty.
    pub const NOT_AN_ENUM_VALUE: Message = t(
        RuleId::SchemaEnum,
        "`{value}` is not a documented {enum} value; expected one of {values}{hint}",
    );
    /// The `{hint}` of [`NOT_AN_ENUM_VALUE`] when only the case differs.
    pub const CASE_HINT: Message = t(
        RuleId::SchemaEnum,
        " (values are case-sensitive: did you mean `{suggestion}`?)",
    );
    /// `schema.pattern`: a string that does not match its `pattern`.
    pub const PATTERN: Message = t(
        RuleId::SchemaPattern,
        "`{value}` does not match the pattern `{pattern}`",
    );
    /// `schema.timestamp-format`: an `x-unit: rfc3339` string that is not an RFC 3339 timestamp.
    pub const TIMESTAMP: Message = t(
        RuleId::SchemaTimestampFormat,
        "`{value}` is not an RFC 3339 timestamp (the format the spec assumes)",
    );
    /// `schema.format`: an integer above the `int64` range that still fits 64 bits.
    pub const INT64_RANGE: Message = t(RuleId::SchemaFormat, "{value} is out of the int64 range");
    /// `schema.format`: an integer literal beyond 64 bits, read as the nearest float.
    pub const INT64_APPROXIMATE: Message = t(
        RuleId::SchemaFormat,
        "{value} is out of the int64 range (an integer this large is read only approximately)",
    );
    /// `schema.format`: an `int32` integer out of range.
    pub const INT32_RANGE: Message = t(RuleId::SchemaFormat, "{value} is out of the int32 range");
    /// `schema.format`: a `float` number beyond `f32::MAX` in magnitude (a
    /// fixed text: the generated `check()` holds the value as an `f64`, whose
    /// printed form differs from the literal).
    pub const FLOAT_RANGE: Message = t(
        RuleId::SchemaFormat,
        "the number is out of the float range (at most 3.4028235e38 in magnitude)",
    );
    /// `schema.format`: a string that is not of its checked `format` (the
    /// value is not quoted: the generated `check()` words it identically).
    pub const STRING_FORMAT: Message = t(
        RuleId::SchemaFormat,
        "the value is not a valid `{format}`: expected {expected}",
    );
    /// `schema.minimum`: a number below `minimum`.
    pub const MINIMUM: Message = t(
        RuleId::SchemaMinimum,
        "{value} is less than the minimum {minimum}",
    );
    /// `schema.maximum`: a number above `maximum`.
    pub const MAXIMUM: Message = t(
        RuleId::SchemaMaximum,
        "{value} is greater than the maximum {maximum}",
    );
    /// `schema.minimum`: a number not above an exclusive `minimum`.
    pub const EXCLUSIVE_MINIMUM: Message = t(
        RuleId::SchemaMinimum,
        "{value} is not greater than the exclusive minimum {minimum}",
    );
    /// `schema.maximum`: a number not below an exclusive `maximum`.
    pub const EXCLUSIVE_MAXIMUM: Message = t(
        RuleId::SchemaMaximum,
        "{value} is not less than the exclusive maximum {maximum}",
    );
    /// `schema.multiple-of`: a number that is not a multiple of `multipleOf`.
    pub const MULTIPLE_OF: Message = t(
        RuleId::SchemaMultipleOf,
        "{value} is not a multiple of {multiple_of}",
    );
    /// `schema.min-length`: a string shorter than `minLength`.
    pub const MIN_LENGTH: Message = t(
        RuleId::SchemaMinLength,
        "the length {length} is below the minimum length {min_length} (in characters)",
    );
    /// `schema.max-length`: a string longer than `maxLength`.
    pub const MAX_LENGTH: Message = t(
        RuleId::SchemaMaxLength,
        "the length {length} is above the maximum length {max_length} (in characters)",
    );
    /// `schema.required`: a required property missing.
    pub const REQUIRED: Message = t(
        RuleId::SchemaRequired,
        "required property `{property}` of {model} is missing",
    );
    /// `schema.min-items`: an array with fewer than `minItems` items.
    pub const MIN_ITEMS: Message = t(
        RuleId::SchemaMinItems,
        "the array has {count} items, fewer than the minimum {min_items}",
    );
    /// `schema.max-items`: an array with more than `maxItems` items.
    pub const MAX_ITEMS: Message = t(
        RuleId::SchemaMaxItems,
        "the array has {count} items, more than the maximum {max_items}",
    );
    /// `schema.unique-items`: two equal items where `uniqueItems: true`.
    pub const UNIQUE_ITEMS: Message = t(
        RuleId::SchemaUniqueItems,
        "item {second} equals item {first}, and the items must be unique",
    );
    /// `schema.one-of`: a value that matches none or several `oneOf` schemas.
    pub const ONE_OF: Message = t(
        RuleId::SchemaOneOf,
        "the value matches {matched} of the {count} `oneOf` schemas; it must match exactly one",
    );
    /// `schema.any-of`: a value that matches no `anyOf` schema.
    pub const ANY_OF: Message = t(
        RuleId::SchemaAnyOf,
        "the value matches none of the {count} `anyOf` schemas",
    );
    /// `schema.discriminator`: an object without the discriminator's property.
    pub const DISCRIMINATOR_MISSING: Message = t(
        RuleId::SchemaDiscriminator,
        "the object has no `{property}`, the discriminator that selects its `{keyword}` schema",
    );
    /// `schema.discriminator`: a discriminator value that names no member.
    pub const DISCRIMINATOR_UNKNOWN: Message = t(
        RuleId::SchemaDiscriminator,
        "`{property}` is {value}, which names none of the `{keyword}` schemas (the discriminator's values: {known})",
    );
    /// `schema.discriminator`: an object that does not match the member its tag selects.
    pub const DISCRIMINATOR_MISMATCH: Message = t(
        RuleId::SchemaDiscriminator,
        "`{property}` `{tag}` selects `{keyword}` schema {index}, which the value does not match here: {detail}",
    );
    /// `schema.not`: a value that matches its `not` schema.
    pub const NOT: Message = t(RuleId::SchemaNot, "the value matches its `not` schema");
    /// `schema.min-properties`: an object with fewer than `minProperties` properties.
    pub const MIN_PROPERTIES: Message = t(
        RuleId::SchemaMinProperties,
        "the object has {count} properties, fewer than the minimum {min_properties}",
    );
    /// `schema.max-properties`: an object with more than `maxProperties` properties.
    pub const MAX_PROPERTIES: Message = t(
        RuleId::SchemaMaxProperties,
        "the object has {count} properties, more than the maximum {max_properties}",
    );
    /// `schema.deprecated`: a deprecated property with a value.
    pub const DEPRECATED: Message = t(
        RuleId::SchemaDeprecated,
        "`{property}` of {model} is deprecated",
    );
    /// `schema.write-only`: a write-only property with a value in a response.
    pub const WRITE_ONLY: Message = t(
        RuleId::SchemaWriteOnly,
        "`{property}` of {model} is write-only: a response does not carry it",
    );
    /// `schema.read-only`: a read-only property with a value in a request body.
    pub const READ_ONLY: Message = t(
        RuleId::SchemaReadOnly,
        "`{property}` of {model} is read-only: a request does not send it",
    );
    /// `schema.additional-property`: a property a closed model does not list.
    pub const ADDITIONAL: Message = t(
        RuleId::SchemaAdditionalProperty,
        "`{property}` is not a property of {model}, which allows no others",
    );
    /// `schema.undocumented-property`: a property the model does not list.
    pub const UNDOCUMENTED: Message = t(
        RuleId::SchemaUndocumentedProperty,
        "`{property}` is not a documented property of {model}",
    );
    /// `state.conditional-presence`: a property absent where `x-presence` requires it.
    pub const MUST_BE_PRESENT: Message = t(
        RuleId::StateConditionalPresence,
        "`{property}` must be present when {status_field} is {status}",
    );
    /// `state.conditional-presence`: a property present where `x-presence` forbids it.
    pub const MUST_BE_ABSENT: Message = t(
        RuleId::StateConditionalPresence,
        "`{property}` must be absent when {status_field} is {status}",
    );
    /// `state.status-outcome`: an outcome while the status is not final (`x-outcome`).
    pub const OUTCOME_BEFORE_FINAL: Message = t(
        RuleId::StateStatusOutcome,
        "`{outcome_field}` is {outcome} while {status_field} is {status}, which is not final: the outcome must be absent before a final status",
    );
    /// `state.status-outcome`: an outcome other than the one its final status maps to
    /// (`x-outcome`).
    pub const OUTCOME_MISMATCH: Message = t(
        RuleId::StateStatusOutcome,
        "`{outcome_field}` is {outcome} but {status_field} {status} implies {expected}",
    );
    /// An invariant (of [`super::INVARIANTS`]) whose comparison fails.
    pub const INVARIANT_VIOLATED: Template = Template {
        text: "{invariant} does not hold: left side is {lhs}, right side is {rhs}",
    };
    /// An invariant that cannot be evaluated on the instance.
    pub const INVARIANT_UNEVALUABLE: Template = Template {
        text: "`{invariant}` cannot be evaluated: {reason}",
    };
    /// The `{reason}` of [`INVARIANT_UNEVALUABLE`] for `+ - *` and unary `-`.
    pub const OVERFLOW: Template = Template {
        text: "arithmetic overflow in {expr} (operands {operands})",
    };
    /// The `{operands}` of [`OVERFLOW`] for a binary operator.
    pub const OPERAND_PAIR: Template = Template {
        text: "{a} and {b}",
    };
    /// The `{reason}` of [`INVARIANT_UNEVALUABLE`] for an element of a `sum`.
    pub const SUM_OVERFLOW: Template = Template {
        text: "arithmetic overflow in the sum over {over} adding {item}",
    };

    /// Every message of a fixed rule above.
    pub const FIXED: &[Message] = &[
        NULL,
        TYPE,
        NOT_ALLOWED,
        NOT_AN_ENUM_VALUE,
        CASE_HINT,
        PATTERN,
        TIMESTAMP,
        INT64_RANGE,
        INT64_APPROXIMATE,
        INT32_RANGE,
        STRING_FORMAT,
        FLOAT_RANGE,
        MINIMUM,
        MAXIMUM,
        EXCLUSIVE_MINIMUM,
        EXCLUSIVE_MAXIMUM,
        MULTIPLE_OF,
        MIN_LENGTH,
        MAX_LENGTH,
        REQUIRED,
        MIN_ITEMS,
        MAX_ITEMS,
        UNIQUE_ITEMS,
        ONE_OF,
        ANY_OF,
        DISCRIMINATOR_MISSING,
        DISCRIMINATOR_UNKNOWN,
        DISCRIMINATOR_MISMATCH,
        NOT,
        MIN_PROPERTIES,
        MAX_PROPERTIES,
        DEPRECATED,
        WRITE_ONLY,
        READ_ONLY,
        ADDITIONAL,
        UNDOCUMENTED,
        MUST_BE_PRESENT,
        MUST_BE_ABSENT,
        OUTCOME_BEFORE_FINAL,
        OUTCOME_MISMATCH,
    ];

    /// The messages of the invariant family.
    pub const INVARIANT: &[Template] = &[
        INVARIANT_VIOLATED,
        INVARIANT_UNEVALUABLE,
        OVERFLOW,
        OPERAND_PAIR,
        SUM_OVERFLOW,
    ];

    /// Every template: of the fixed rules, then of the invariants.
    pub fn all() -> impl Iterator<Item = Template> {
        FIXED
            .iter()
            .map(|m| m.template)
            .chain(INVARIANT.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_indexed_by_their_id_and_names_are_unique() {
        let mut names = std::collections::BTreeSet::new();
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.id as usize, i, "{}", r.name);
            assert_eq!(r.id.rule(), r);
            assert!(names.insert(r.name), "{} registered twice", r.name);
            let (category, name) = r.name.split_once('.').expect("category.name");
            assert!(!category.is_empty() && !name.is_empty(), "{}", r.name);
            assert_eq!(RuleId::from_name(r.name), Some(r.id));
            assert!(
                !r.name.starts_with(INVARIANTS.prefix),
                "{} is in the invariant family's namespace",
                r.name
            );
            assert_eq!(r.stage == Stage::Spec, r.category() == "lint", "{}", r.name);
        }
    }

    #[test]
    fn lookup_finds_fixed_rules_and_the_invariant_family() {
        assert_eq!(
            lookup("schema.type"),
            Some(Entry::Rule(RuleId::SchemaType.rule()))
        );
        assert_eq!(
            lookup("amount.paid-equals-line-totals"),
            Some(Entry::Family(&INVARIANTS))
        );
        assert_eq!(lookup("amount."), None);
        assert_eq!(lookup("schema.nope"), None);
    }

    #[test]
    fn templates_have_no_stray_braces() {
        for t in messages::all() {
            for piece in t.pieces() {
                match piece {
                    Piece::Text(text) => {
                        assert!(!text.contains(['{', '}']), "stray brace in {:?}", t.text)
                    }
                    Piece::Hole(h) => assert!(
                        !h.is_empty() && h.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                        "hole {h:?} in {:?}",
                        t.text
                    ),
                }
            }
        }
    }

    #[test]
    fn render_and_format_string_fill_the_same_holes() {
        let t = messages::OUTCOME_MISMATCH.template;
        let rendered = t.render(&[
            ("outcome_field", &"outcome"),
            ("outcome", &"Failed"),
            ("status_field", &"st{x}"),
            ("status", &"Done"),
            ("expected", &"Succeeded"),
        ]);
        assert_eq!(
            rendered,
            "`outcome` is Failed but st{x} Done implies Succeeded"
        );
        assert_eq!(
            t.format_string(&[("outcome_field", "outcome"), ("status_field", "st{x}")]),
            "`outcome` is {outcome} but st{{x}} {status} implies {expected}"
        );
        assert_eq!(
            t.holes().collect::<Vec<_>>(),
            [
                "outcome_field",
                "outcome",
                "status_field",
                "status",
                "expected"
            ]
        );
        assert_eq!(
            messages::TYPE.template.render(&[("expected", &"string")]),
            "expected string, found {found}"
        );
    }
}
