import DroverCore
import Foundation
import GRDB

/// A simulated instance as stored: what it was, what it cost per hour, how long it ran.
public struct InstanceRecord: Sendable, Codable, Equatable {
    /// `i-…`.
    public var id: String
    /// Its compute environment.
    public var environment: String
    /// Instance type name.
    public var type: String
    /// SPOT or ON_DEMAND.
    public var lifecycle: String
    /// vCPUs of the type.
    public var vcpus: Double
    /// Memory of the type, MiB.
    public var memory: Int
    /// Price per hour it ran at.
    public var hourlyPrice: Double
    /// On-demand price per hour of its type.
    public var onDemandHourly: Double
    /// launching, running, notice or terminated.
    public var state: String
    /// Wall-clock launch time.
    public var launchedAt: EpochMillis
    /// Wall-clock end.
    public var endedAt: EpochMillis?
    /// Simulated seconds it has existed (at its last change).
    public var simulatedSeconds: Double
    /// Why it ended.
    public var endReason: String?
    /// The experiment that interrupted it.
    public var experiment: String?

    /// Creates a record.
    public init(id: String, environment: String, type: String, lifecycle: String, vcpus: Double, memory: Int, hourlyPrice: Double,
                onDemandHourly: Double, state: String, launchedAt: EpochMillis, endedAt: EpochMillis?, simulatedSeconds: Double,
                endReason: String?, experiment: String?) {
        self.id = id
        self.environment = environment
        self.type = type
        self.lifecycle = lifecycle
        self.vcpus = vcpus
        self.memory = memory
        self.hourlyPrice = hourlyPrice
        self.onDemandHourly = onDemandHourly
        self.state = state
        self.launchedAt = launchedAt
        self.endedAt = endedAt
        self.simulatedSeconds = simulatedSeconds
        self.endReason = endReason
        self.experiment = experiment
    }
}

/// The cost of a job (its children included), from the attempts that ran on simulated instances.
public struct CostSummary: Sendable, Codable, Equatable {
    /// Attempts charged.
    public var attempts: Int
    /// What they cost, US dollars.
    public var cost: Double
    /// What the same work would have cost on demand, where nothing is reclaimed: the attempts
    /// that were not interrupted, at on-demand prices.
    public var onDemandCost: Double
    /// Attempts ended by a host interruption.
    public var interruptions: Int
    /// Simulated seconds of work held by all charged attempts.
    public var simulatedSeconds: Double
    /// Simulated seconds of work lost to interruptions (held by interrupted attempts).
    public var lostSeconds: Double

    /// On-demand cost minus cost.
    public var saving: Double { onDemandCost - cost }
    /// Saving as a share of the on-demand cost.
    public var savingFraction: Double { onDemandCost > 0 ? saving / onDemandCost : 0 }

    /// Adds another summary.
    public static func + (lhs: CostSummary, rhs: CostSummary) -> CostSummary {
        CostSummary(attempts: lhs.attempts + rhs.attempts, cost: lhs.cost + rhs.cost, onDemandCost: lhs.onDemandCost + rhs.onDemandCost,
                    interruptions: lhs.interruptions + rhs.interruptions, simulatedSeconds: lhs.simulatedSeconds + rhs.simulatedSeconds,
                    lostSeconds: lhs.lostSeconds + rhs.lostSeconds)
    }

    /// Nothing charged.
    public static let zero = CostSummary(attempts: 0, cost: 0, onDemandCost: 0, interruptions: 0, simulatedSeconds: 0, lostSeconds: 0)
}

/// Instance-hours and what the instances cost, for one environment.
public struct InstanceUsage: Sendable, Codable, Equatable {
    /// Environment name.
    public var environment: String
    /// Instances launched.
    public var instances: Int
    /// Of those, reclaimed.
    public var interrupted: Int
    /// Instances still up.
    public var live: Int
    /// Simulated instance-hours.
    public var instanceHours: Double
    /// Instance-hours times their hourly price.
    public var cost: Double
}

extension Store {
    func record(_ db: Database, _ instance: InstanceRecord) throws {
        try db.run("""
            INSERT INTO instance(id, environment, type, lifecycle, vcpus, memory, hourly_price, on_demand_hourly, state,
                launched_at, ended_at, simulated_seconds, end_reason, experiment)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET state = excluded.state, ended_at = excluded.ended_at,
                simulated_seconds = excluded.simulated_seconds, end_reason = excluded.end_reason, experiment = excluded.experiment
            """, [instance.id, instance.environment, instance.type, instance.lifecycle, instance.vcpus, instance.memory,
                  instance.hourlyPrice, instance.onDemandHourly, instance.state, instance.launchedAt, instance.endedAt,
                  instance.simulatedSeconds, instance.endReason, instance.experiment])
    }

    /// The cost of job `id`: its own attempts, or for an array parent its children's.
    public func costSummary(ofJob id: String) throws(DroverError) -> CostSummary? {
        try read { db in
            let sql = """
                SELECT count(cost), total(cost), total(CASE WHEN NOT interrupted THEN on_demand_cost END), total(interrupted),
                total(simulated_seconds), total(CASE WHEN interrupted THEN simulated_seconds END) FROM attempt
                """
            var summary = CostSummary.zero
            for (clause, arguments) in [("job_id = ?", [id]), ("job_id > ? AND job_id < ?", ["\(id):", "\(id);"])] as [(String, [String])] {
                guard let row = try Row.fetchOne(db, sql: "\(sql) WHERE \(clause) AND cost IS NOT NULL", arguments: StatementArguments(arguments)) else { continue }
                summary = summary + CostSummary(attempts: row[0], cost: row[1], onDemandCost: row[2], interruptions: Int(row[3] as Double),
                                                simulatedSeconds: row[4], lostSeconds: row[5])
            }
            return summary.attempts == 0 ? nil : summary
        }
    }

    /// Instances of `environment` (every environment when nil), newest first.
    public func instances(environment: String? = nil, limit: Int = 1000) throws(DroverError) -> [InstanceRecord] {
        try read { db in
            let filter = environment == nil ? "" : "WHERE environment = ?"
            let arguments: [(any DatabaseValueConvertible)?] = environment == nil ? [limit] : [environment, limit]
            return try Row.fetchAll(db, sql: "SELECT * FROM instance \(filter) ORDER BY launched_at DESC, id LIMIT ?",
                                    arguments: StatementArguments(arguments)).map(Self.instanceRecord)
        }
    }

    /// Instance-hours and cost per environment that ever ran simulated instances.
    public func instanceUsage() throws(DroverError) -> [InstanceUsage] {
        try read { db in try instanceUsage(db) }
    }

    func instanceUsage(_ db: Database) throws -> [InstanceUsage] {
        try Row.fetchAll(db, sql: """
            SELECT environment, count(*), total(end_reason = 'interrupted'), total(state != 'terminated'),
            total(simulated_seconds) / 3600.0, total(simulated_seconds * hourly_price) / 3600.0
            FROM instance GROUP BY environment ORDER BY environment
            """).map {
            InstanceUsage(environment: $0[0], instances: $0[1], interrupted: Int($0[2] as Double), live: Int($0[3] as Double),
                          instanceHours: $0[4], cost: $0[5])
        }
    }

    static func instanceRecord(_ row: Row) -> InstanceRecord {
        InstanceRecord(id: row["id"], environment: row["environment"], type: row["type"], lifecycle: row["lifecycle"], vcpus: row["vcpus"],
                       memory: row["memory"], hourlyPrice: row["hourly_price"], onDemandHourly: row["on_demand_hourly"], state: row["state"],
                       launchedAt: row["launched_at"], endedAt: row["ended_at"], simulatedSeconds: row["simulated_seconds"],
                       endReason: row["end_reason"], experiment: row["experiment"])
    }

    // MARK: - Experiments

    /// Records a new experiment for the engine to run; the environment must exist.
    public func addExperiment(_ experiment: Experiment) throws(DroverError) {
        try write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM compute_environment WHERE name = ?", arguments: [experiment.computeEnvironment]) ?? false else {
                throw DroverError("unknown compute environment '\(experiment.computeEnvironment)' (`drover environments` lists them); nothing was recorded", exitCode: 1)
            }
            try db.run("INSERT INTO experiment(id, environment, state, document, created_at) VALUES (?, ?, ?, ?, ?)",
                       [experiment.id, experiment.computeEnvironment, experiment.state.rawValue, try Self.json(experiment), experiment.createdAt])
        }
    }

    /// Saves an experiment's progress.
    public func updateExperiment(_ experiment: Experiment) throws(DroverError) {
        try write { db in
            try db.run("UPDATE experiment SET state = ?, document = ? WHERE id = ?", [experiment.state.rawValue, try Self.json(experiment), experiment.id])
        }
    }

    /// Experiments, newest first; only those in `states` when given.
    public func experiments(states: [Experiment.State] = []) throws(DroverError) -> [Experiment] {
        try read { db in
            let filter = states.isEmpty ? "" : "WHERE state IN (\(states.map { "'\($0.rawValue)'" }.joined(separator: ",")))"
            return try String.fetchAll(db, sql: "SELECT document FROM experiment \(filter) ORDER BY created_at DESC, id").map {
                try JSONDecoder().decode(Experiment.self, from: Data($0.utf8))
            }
        }
    }

    /// One experiment.
    public func experiment(_ id: String) throws(DroverError) -> Experiment? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT document FROM experiment WHERE id = ?", arguments: [id]).map {
                try JSONDecoder().decode(Experiment.self, from: Data($0.utf8))
            }
        }
    }

    /// Jobs (not array parents) that FAILED at or after `since`.
    public func failedJobs(since: EpochMillis) throws(DroverError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM job WHERE status = \(JobStatus.failed.sql) AND stopped_at >= ? AND array_size IS NULL", arguments: [since]) ?? 0
        }
    }

    /// Ends what a dead engine left: instances still up and experiments under way.
    public func endSimulation(reason: String) throws(DroverError) {
        try write { db in
            try db.run("UPDATE instance SET state = 'terminated', end_reason = ?, ended_at = ? WHERE state != 'terminated'", [reason, nowMillis()])
            for text in try String.fetchAll(db, sql: "SELECT document FROM experiment WHERE state = 'RUNNING'") {
                var experiment = try JSONDecoder().decode(Experiment.self, from: Data(text.utf8))
                experiment.state = .stopped
                experiment.outcome = (experiment.outcome.map { $0 + "; " } ?? "") + reason
                experiment.endedAt = nowMillis()
                try db.run("UPDATE experiment SET state = ?, document = ? WHERE id = ?", [experiment.state.rawValue, try Self.json(experiment), experiment.id])
            }
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
