import DroverCore
import DroverEngine
import DroverStore
import Foundation
import Logging

/// `drover serve --otlp-endpoint URL`: exports a span per job and per attempt to an OpenTelemetry collector over
/// OTLP/HTTP with the JSON encoding (no protobuf), from the store's events (``EventDelivery``: in order, at least once,
/// through collector outages and restarts). `URL` without a path gets OTLP's `/v1/traces`.
public enum OTLPExporter {
    /// The export of `shapes`' store's job spans to the collector at `url` (checked with ``PlainHTTPClient/accepts(_:)``).
    public static func delivery(url: String, shapes: EventShapes, logger: Logger) -> EventDelivery {
        let client = PlainHTTPClient(server: url)
        let given = URLComponents(string: url)?.percentEncodedPath ?? ""
        let path = given.isEmpty || given == "/" ? "/v1/traces" : given
        let store = shapes.jobs.store
        return EventDelivery(consumer: "otlp " + url, shapes: shapes, pageSize: 500, logger: logger, wants: JobSpans.mayClose) { page, _ in
            var spans: [OTLPSpan] = []
            for item in page {
                guard let spec = try? store.spec(ofJob: item.stored.jobId) else { continue }
                spans += JobSpans.spans(for: item.stored, detail: item.event.detail, trace: spec.trace(ofJob: item.stored.jobId),
                                        definition: spec.jobDefinition)
            }
            guard !spans.isEmpty else { return .taken }
            let request = OTLPExportRequest(resourceSpans: [OTLPResourceSpans(
                resource: OTLPResource(attributes: [OTLPAttribute("service.name", "drover")]),
                scopeSpans: [OTLPScopeSpans(scope: OTLPScope(name: "drover"), spans: spans)])])
            guard let body = try? StreamingJSONEncoder.encode(request) else { return .taken }
            let outcome = client.send("POST", path, body: body, timeout: 10)
            switch DeliveryDecision.after(outcome) {
            case .delivered: return .taken
            case .refused:
                logger.error("OTLP collector \(url) refused \(spans.count) spans with \(outcome.summary); they are not sent again")
                return .taken
            case .retry:
                logger.debug("OTLP collector \(url): \(outcome.summary)")
                return .notTaken(upTo: nil)
            }
        }
    }
}
