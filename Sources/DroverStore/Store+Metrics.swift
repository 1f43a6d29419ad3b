import DroverCore
import Foundation
import GRDB

/// What `/metrics` reads from the store at each scrape, from one read snapshot: a few hundred rows whatever the
/// number of jobs (``JobCountTable``).
public struct MetricsSnapshot: Sendable, Equatable {
    /// How many jobs of a queue are in a status (with a RUNNABLE job's `reason_key`).
    public struct JobCount: Sendable, Equatable {
        /// Queue name.
        public var queue: String
        /// Status.
        public var status: JobStatus
        /// The `reason_key` of RUNNABLE jobs (nil when they have none, and in every other status).
        public var reasonKey: String?
        /// Jobs.
        public var count: Int
    }

    /// A compute environment's limit and what runs on it.
    public struct Environment: Sendable, Equatable {
        /// Environment name.
        public var name: String
        /// Its `maxvCpus`.
        public var maxVcpus: Double
        /// vCPUs the jobs STARTING or RUNNING on it asked for.
        public var usedVcpus: Double
    }

    /// Every queue's name, so that a queue without jobs shows zeros.
    public var queues: [String] = []
    /// Jobs by queue, status and RUNNABLE reason.
    public var jobCounts: [JobCount] = []
    /// Every compute environment.
    public var environments: [Environment] = []
    /// Instance-hours, reclaims and cost of the environments that ran simulated instances.
    public var instances: [InstanceUsage] = []

    /// Creates an empty snapshot.
    public init() {}
}

extension Store {
    /// Queues, job counts, environments and simulated instances as they are now.
    public func metricsSnapshot() throws(DroverError) -> MetricsSnapshot {
        try read { db in
            var snapshot = MetricsSnapshot()
            snapshot.queues = try String.fetchAll(db, sql: "SELECT name FROM job_queue ORDER BY name")
            snapshot.jobCounts = try Row.fetchAll(db, sql: "SELECT queue, status, reason, count FROM job_count WHERE count > 0").compactMap {
                guard let status = JobStatus(rawValue: $0[1]) else { return nil }
                let reason: String = $0[2]
                return MetricsSnapshot.JobCount(queue: $0[0], status: status, reasonKey: reason.isEmpty ? nil : reason, count: $0[3])
            }
            var used: [String: Double] = [:]
            // Array parents hold no room; their children do, with the parent's spec.
            for row in try Row.fetchAll(db, sql: """
                SELECT COALESCE(parent_id, id), environment, count(*) FROM job
                WHERE \(JobStatus.condition(JobStatus.active)) AND array_size IS NULL AND environment IS NOT NULL GROUP BY 1, 2
                """) {
                let top: String = row[0]
                let count: Int = row[2]
                used[row[1], default: 0] += ((try? spec(db, top: top))?.vcpus ?? 0) * Double(count)
            }
            snapshot.environments = try String.fetchAll(db, sql: "SELECT document FROM compute_environment ORDER BY name").map {
                let environment = try JSONDecoder().decode(ComputeEnvironment.self, from: Data($0.utf8))
                let name = environment.computeEnvironmentName
                return MetricsSnapshot.Environment(name: name, maxVcpus: environment.maxvCpus, usedVcpus: used[name] ?? 0)
            }
            snapshot.instances = try instanceUsage(db)
            return snapshot
        }
    }
}
