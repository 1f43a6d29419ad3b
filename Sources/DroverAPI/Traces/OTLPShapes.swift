/// OpenTelemetry's `ExportTraceServiceRequest` in OTLP/HTTP's JSON encoding (ids in lowercase hex, 64-bit integers
/// as strings): what `POST /v1/traces` takes. Only the fields Drover fills.
struct OTLPExportRequest: Encodable, Sendable {
    var resourceSpans: [OTLPResourceSpans]
}

struct OTLPResourceSpans: Encodable, Sendable {
    var resource: OTLPResource
    var scopeSpans: [OTLPScopeSpans]
}

struct OTLPResource: Encodable, Sendable {
    var attributes: [OTLPAttribute]
}

struct OTLPScopeSpans: Encodable, Sendable {
    var scope: OTLPScope
    var spans: [OTLPSpan]
}

struct OTLPScope: Encodable, Sendable {
    var name: String
}

/// A span: `kind` 1 is INTERNAL; times in nanoseconds since the epoch.
struct OTLPSpan: Encodable, Sendable, Equatable {
    var traceId: String
    var spanId: String
    var parentSpanId: String?
    var name: String
    var kind = 1
    var startTimeUnixNano: String
    var endTimeUnixNano: String
    var attributes: [OTLPAttribute]
    var status: OTLPStatus
}

/// A span's status: `code` 1 is OK, 2 ERROR.
struct OTLPStatus: Encodable, Sendable, Equatable {
    var code: Int
    var message: String?
}

/// A key and a string or integer value.
struct OTLPAttribute: Encodable, Sendable, Equatable {
    struct Value: Encodable, Sendable, Equatable {
        var stringValue: String?
        var intValue: String?
    }

    var key: String
    var value: Value

    init(_ key: String, _ text: String) {
        self.key = key
        value = Value(stringValue: text)
    }

    init(_ key: String, _ number: Int) {
        self.key = key
        value = Value(intValue: String(number))
    }
}
