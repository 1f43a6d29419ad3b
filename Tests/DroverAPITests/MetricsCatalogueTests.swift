@testable import DroverAPI
import DroverCore
import DroverEngine
@testable import DroverStore
import Foundation
import GRDB
import Testing

/// What `/metrics` shows: names by Prometheus's conventions, each documented in docs/metrics.md, the store's figures
/// turned into bounded series, and series whose labels are gone dropped.
@Suite struct MetricsCatalogueTests {
    static let docs: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("docs/metrics.md"), encoding: .utf8)) ?? ""
    }()

    @Test(arguments: MetricsEndpoint.catalogue.map(\.name))
    func everyMetricFollowsTheConventionsAndIsDocumented(_ name: String) throws {
        let metric = try #require(MetricsEndpoint.catalogue.first { $0.name == name })
        #expect(name.hasPrefix("drover_") && name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" })
        #expect(name.hasSuffix("_total") == (metric.kind == .counter), "counters, and only they, end in _total")
        #expect(metric.kind != .histogram || !metric.buckets.isEmpty)
        #expect(metric.buckets == metric.buckets.sorted())
        let row = Self.docs.split(separator: "\n").first { $0.hasPrefix("| `\(name)` |") }.map(String.init) ?? ""
        #expect(row.contains("| \(metric.kind.rawValue) |"), "docs/metrics.md has a row for \(name) with its type: \(row)")
        for label in metric.labels { #expect(row.contains("`\(label)`"), "docs/metrics.md names the label \(label) of \(name)") }
        #expect(MetricsEndpoint.catalogue.filter { $0.name == name }.count == 1)
    }

    @Test func documentedLabelValuesAreTheOnesGiven() {
        for value in RunnableReason.labels + AttemptEnd.allCases.map(\.rawValue) {
            #expect(Self.docs.contains("| `\(value)` |"), "docs/metrics.md explains \(value)")
        }
    }

    @Test func storeFiguresBecomeBoundedSeries() {
        var snapshot = MetricsSnapshot()
        snapshot.queues = ["a", "empty"]
        snapshot.jobCounts = [
            .init(queue: "a", status: .runnable, reasonKey: RunnableReason.waitingForCapacity(asked: "2 vCPUs", problems: ["x"]), count: 3),
            .init(queue: "a", status: .runnable, reasonKey: RunnableReason.waitingForCapacity(asked: "4 vCPUs", problems: ["y"]), count: 2),
            .init(queue: "a", status: .runnable, reasonKey: nil, count: 1),
            .init(queue: "a", status: .succeeded, reasonKey: nil, count: 10),
        ]
        snapshot.environments = [.init(name: "local", maxVcpus: 4, usedVcpus: 1.5)]
        snapshot.instances = [InstanceUsage(environment: "spot", instances: 5, interrupted: 2, live: 1, instanceHours: 0.5, cost: 0.25)]
        let samples = StoreMetrics.samples(snapshot)
        func value(_ name: String, _ labels: [String: String]) -> Double? {
            samples.first { $0.name == name && $0.labels == labels }?.value
        }
        #expect(value("drover_jobs", ["queue": "a", "status": "RUNNABLE"]) == 6)
        #expect(value("drover_jobs", ["queue": "a", "status": "SUCCEEDED"]) == 10)
        #expect(samples.filter { $0.name == "drover_jobs" && $0.labels["queue"] == "empty" }.map(\.value) == Array(repeating: 0, count: 7))
        #expect(value("drover_runnable_jobs", ["queue": "a", "reason": "waiting_for_capacity"]) == 5, "two sentences, one kind")
        #expect(value("drover_runnable_jobs", ["queue": "a", "reason": "none"]) == 1)
        #expect(samples.filter { $0.name == "drover_runnable_jobs" }.count == 2)
        #expect(value("drover_compute_environment_used_vcpus", ["environment": "local"]) == 1.5)
        #expect(value("drover_simulated_instance_reclaims_total", ["environment": "spot"]) == 2)
        #expect(value("drover_simulated_instance_seconds_total", ["environment": "spot"]) == 1800)
        #expect(value("drover_simulated_instance_cost_dollars_total", ["environment": "spot"]) == 0.25)
    }

    @Test func seriesWhoseLabelsAreGoneAreDropped() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("drover-metrics-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(directory: directory)
        let endpoint = MetricsEndpoint(store: store)
        try store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO job(id, name, queue, definition, status, reason_key, blocked, created_at)
                VALUES ('j1', 'j1', 'q', 'd:1', 'RUNNABLE', 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT', 1, 0)
                """)
        }
        let before = try endpoint.scrape().get()
        #expect(String(decoding: before, as: UTF8.self).contains(#"drover_runnable_jobs{queue="q",reason="MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"} 1"#))
        try store.pool.write { db in try db.execute(sql: "UPDATE job SET status = 'FAILED' WHERE id = 'j1'") }
        let after = String(decoding: try endpoint.scrape().get(), as: UTF8.self)
        #expect(!after.contains("drover_runnable_jobs{"), "\(after)")
        #expect(after.contains(#"drover_jobs{queue="q",status="FAILED"} 1"#))
    }
}
