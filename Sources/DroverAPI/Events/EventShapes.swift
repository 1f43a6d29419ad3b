import DroverCore
import DroverStore
import Foundation

/// Turns the store's events into EventBridge's shape, for `drover events`, `GET /v1/events` and webhooks.
public struct EventShapes: Sendable {
    /// The jobs' shapes (ARNs, log paths).
    public var jobs: JobShapes

    /// Creates a converter writing ARNs with `arns`.
    public init(arns: ARNBuilder, store: Store) {
        jobs = JobShapes(arns: arns, store: store)
    }

    /// The events for `stored`, in order. An event whose job no longer exists is left out.
    public func events(_ stored: [StoredEvent]) throws(DroverError) -> [BatchEvent] {
        var views: [String: JobView] = [:]
        var ids = Array(Set(stored.map(\.jobId)))
        while !ids.isEmpty {
            let chunk = ids.suffix(500)
            ids.removeLast(chunk.count)
            for view in try jobs.store.jobViews(Array(chunk)) { views[view.record.jobId] = view }
        }
        let arns = jobs.arns
        return stored.compactMap { event in
            guard let view = views[event.jobId] else { return nil }
            let detail = jobs.detail(view).asOf(event)
            var resources = [detail.jobArn]
            if event.kind == .blocked { resources.append(detail.jobQueue) }
            return BatchEvent(id: BatchEvent.id(of: event.id),
                              detailType: event.kind == .blocked ? BatchEvent.queueBlocked : BatchEvent.stateChange,
                              account: arns.account, time: BatchEvent.time(event.time), region: arns.region,
                              resources: resources, detail: detail)
        }
    }

    /// One event as a line of compact JSON (no trailing newline), its fields in EventBridge's order.
    public static func json(_ event: BatchEvent) -> Data {
        (try? StreamingJSONEncoder.encode(event)) ?? Data("{}".utf8)
    }
}
