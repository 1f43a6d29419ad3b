import Foundation

/// A W3C Trace Context `traceparent` (`00-TRACEID-PARENTID-FLAGS`): the span a submitter was in when it submitted a job,
/// which the job's spans join.
public struct TraceParent: Equatable, Sendable {
    /// 32 lowercase hex digits, not all zero.
    public var traceId: String
    /// 16 lowercase hex digits, not all zero: the submitter's span.
    public var parentId: String
    /// 2 hex digits (`01`: sampled).
    public var flags: String

    /// Creates a trace parent from valid parts.
    public init(traceId: String, parentId: String, flags: String) {
        self.traceId = traceId
        self.parentId = parentId
        self.flags = flags
    }

    /// Parses a `traceparent` header as W3C Trace Context level 1 reads it: version `00` exactly, a later version
    /// by its first four fields (forward compatibility); nil for anything invalid (a receiver then starts a new trace).
    public init?(_ text: String) {
        let header = text.trimmingCharacters(in: .whitespaces)
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, Self.isHex(parts[0]), parts[0] != "ff" else { return nil }
        guard parts[0] != "00" || parts.count == 4 else { return nil }
        guard parts[1].count == 32, Self.isHex(parts[1]), parts[1] != String(repeating: "0", count: 32),
              parts[2].count == 16, Self.isHex(parts[2]), parts[2] != String(repeating: "0", count: 16),
              parts[3].count == 2, Self.isHex(parts[3]) else { return nil }
        self.init(traceId: String(parts[1]), parentId: String(parts[2]), flags: String(parts[3]))
    }

    /// The header: `00-TRACEID-PARENTID-FLAGS`.
    public var header: String { "00-\(traceId)-\(parentId)-\(flags)" }

    static func isHex(_ text: Substring) -> Bool {
        text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    /// A `tracestate` header kept as given when it can be passed on: at most 512 characters of printable ASCII
    /// (W3C's limit); nil otherwise, or when empty.
    public static func state(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty, trimmed.utf8.count <= 512,
              trimmed.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else { return nil }
        return trimmed
    }

    /// The context a process was started in, by OpenTelemetry's environment-variable carrier: `TRACEPARENT` and
    /// `TRACESTATE`. Nil without a valid `TRACEPARENT`.
    public static func fromEnvironment(_ environment: [String: String]) -> TraceContext? {
        guard let parent = environment["TRACEPARENT"].flatMap(TraceParent.init) else { return nil }
        return TraceContext(parent: parent, state: state(environment["TRACESTATE"]))
    }
}

/// A submitter's trace context: its `traceparent` and `tracestate`.
public struct TraceContext: Equatable, Sendable {
    /// The submitter's span.
    public var parent: TraceParent
    /// Its `tracestate`, as given.
    public var state: String?

    /// Creates a context.
    public init(parent: TraceParent, state: String?) {
        self.parent = parent
        self.state = state
    }
}

/// Where a job's spans sit in a trace: the trace (the submitter's, else one of its own), the job's span, and the span of
/// each attempt, whose id each attempt gets as its `TRACEPARENT`, so the spans a job makes are children of its attempt.
/// Span ids are derived from the job's id, so nothing but the submitter's context is stored.
///
/// An array's children are in their array's trace, their job spans children of the array's.
public struct JobTrace: Equatable, Sendable {
    /// The job.
    public var jobId: String
    /// The trace: the submitter's, else derived from the top-level job's id.
    public var traceId: String
    /// The job's span.
    public var spanId: String
    /// The span the job's span is a child of: its array's, else the submitter's, else none (a root span).
    public var parentSpanId: String?
    /// The submitter's trace flags (`01` when there was no submitter's context).
    public var flags: String
    /// The submitter's `tracestate`.
    public var state: String?

    /// The trace of job `jobId` (`PARENT:INDEX` for a child) submitted in `submitted` with `state`.
    public init(jobId: String, submitted: TraceParent?, state: String?) {
        self.jobId = jobId
        let (top, index) = JobID.split(jobId)
        traceId = submitted?.traceId ?? Self.hex(FNV1a.hash("trace/" + top)) + Self.hex(FNV1a.hash("trace-low/" + top))
        flags = submitted?.flags ?? "01"
        self.state = state
        spanId = Self.span(traceId, "job/" + jobId)
        parentSpanId = index == nil ? submitted?.parentId : Self.span(traceId, "job/" + top)
    }

    /// The span of attempt `number`.
    public func attemptSpanId(_ number: Int) -> String {
        Self.span(traceId, "attempt/\(jobId)/\(number)")
    }

    /// The variables attempt `number` gets: `TRACEPARENT` naming its attempt's span, and `TRACESTATE` when given.
    public func variables(attempt number: Int) -> [(name: String, value: String)] {
        var result = [(name: "TRACEPARENT", value: "00-\(traceId)-\(attemptSpanId(number))-\(flags)")]
        if let state { result.append((name: "TRACESTATE", value: state)) }
        return result
    }

    /// The variables attempt `number` gets beside an environment that sets `defined` variables: those it does not set,
    /// and none when it sets its own `TRACEPARENT` (the submitter's `TRACESTATE` belongs to another trace than that one).
    public func variables(attempt number: Int, besides defined: Set<String>) -> [(name: String, value: String)] {
        guard !defined.contains("TRACEPARENT") else { return [] }
        return variables(attempt: number).filter { !defined.contains($0.name) }
    }

    static func span(_ trace: String, _ key: String) -> String {
        let value = FNV1a.hash(trace + "/" + key)
        return hex(value == 0 ? 1 : value)
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
