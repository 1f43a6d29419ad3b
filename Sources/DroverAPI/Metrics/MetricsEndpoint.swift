import DroverCore
import DroverEngine
import DroverStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix
import Prometheus
import Synchronization

/// `GET /metrics`: Drover's metrics in Prometheus's text format (docs/metrics.md), unsigned like any scrape target.
///
/// The engine records its own (``engineMetrics``, through swift-metrics) into the same registry; at each scrape the
/// store's counts are read from one snapshot (``Store/metricsSnapshot()``) and set, and metrics whose labels are gone
/// (a deleted queue, a reason no job has any longer) are dropped.
public final class MetricsEndpoint: WebHandler {
    /// The path served.
    public static let path = "/metrics"
    /// Prometheus's text exposition format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Every metric `/metrics` can show, engine's and store's.
    public static var catalogue: [MetricDescription] { EngineMetrics.catalogue + StoreMetrics.catalogue }

    private struct Published {
        var gauges: [String: Prometheus.Gauge] = [:]
        var counters: [String: (counter: Prometheus.Counter, value: Double)] = [:]
    }

    private let store: Store
    private let registry = PrometheusCollectorRegistry()
    private let published = Mutex(Published())
    /// What the engine records into this endpoint's registry: give it to ``EngineOptions/metrics``.
    public let engineMetrics: EngineMetrics

    /// Serves the metrics of `store`, and of the engine given ``engineMetrics``.
    public init(store: Store) {
        self.store = store
        self.engineMetrics = EngineMetrics(factory: CatalogueMetricsFactory(registry: registry, catalogue: Self.catalogue))
    }

    /// The metrics for `GET` (and `HEAD`) `/metrics`, 405 for another method there, nil for any other path.
    public func respond(to request: Request) async -> Response? {
        guard request.uri.path == Self.path else { return nil }
        guard request.method == .get || request.method == .head else {
            var headers = HTTPFields()
            headers[.allow] = "GET, HEAD"
            return Response(status: .methodNotAllowed, headers: headers)
        }
        let endpoint = self
        let result: Result<[UInt8], DroverError>
        do {
            result = try await NIOThreadPool.singleton.runIfActive { endpoint.scrape() }
        } catch {
            result = .failure(DroverError("the server is stopping"))
        }
        var headers = HTTPFields()
        switch result {
        case .success(let body):
            headers[.contentType] = Self.contentType
            headers[.contentLength] = String(body.count)
            let payload = request.method == .head ? ByteBuffer() : ByteBuffer(bytes: body)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: payload))
        case .failure(let error):
            let body = Array("cannot read the store: \(error.message)\n".utf8)
            headers[.contentType] = "text/plain; charset=utf-8"
            headers[.contentLength] = String(body.count)
            return Response(status: .internalServerError, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// Reads the store, sets the store's metrics, and writes every metric out.
    func scrape() -> Result<[UInt8], DroverError> {
        do {
            let samples = StoreMetrics.samples(try store.metricsSnapshot())
            return .success(published.withLock { published in
                publish(samples, into: &published)
                return registry.emitToBuffer()
            })
        } catch {
            return .failure(error)
        }
    }

    /// Sets each sample's gauge, or moves its counter on to the value read (a value read lower than the last one
    /// leaves the counter as it is: counters only go up); drops the metrics no sample has any longer.
    private func publish(_ samples: [StoreMetrics.Sample], into published: inout Published) {
        let descriptions = Dictionary(StoreMetrics.catalogue.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        for sample in samples {
            guard let description = descriptions[sample.name] else { continue }
            let labels = description.labels.map { ($0, sample.labels[$0] ?? "") }
            let key = ([sample.name] + labels.map(\.1)).joined(separator: "\u{1}")
            seen.insert(key)
            let descriptor = MetricNameDescriptor(metricName: sample.name, unitName: "", helpText: description.help)
            switch description.kind {
            case .counter:
                var entry = published.counters[key] ?? (registry.makeCounter(descriptor: descriptor, labels: labels), 0)
                if sample.value > entry.value {
                    entry.counter.increment(by: sample.value - entry.value)
                    entry.value = sample.value
                }
                published.counters[key] = entry
            case .gauge, .histogram:
                let gauge = published.gauges[key] ?? registry.makeGauge(descriptor: descriptor, labels: labels)
                gauge.set(to: sample.value)
                published.gauges[key] = gauge
            }
        }
        for (key, gauge) in published.gauges where !seen.contains(key) {
            registry.unregisterGauge(gauge)
            published.gauges[key] = nil
        }
        for (key, entry) in published.counters where !seen.contains(key) {
            registry.unregisterCounter(entry.counter)
            published.counters[key] = nil
        }
    }
}
