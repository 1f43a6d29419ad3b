import DroverCore
import GRDB

/// A RUNNABLE job as the scheduler sees it.
public struct RunnableJob: Sendable, Equatable {
    /// Job id (`PARENT:INDEX` for a child).
    public var id: String
    /// Attempts made so far.
    public var attempts: Int
    /// How many of the queue's first environments this job skips (RETRY_NEXT_ENVIRONMENT moved it on).
    public var environmentFloor: Int
    /// When it was submitted (0 when not known).
    public var createdAt: EpochMillis

    /// Creates a runnable-job record.
    public init(id: String, attempts: Int, environmentFloor: Int = 0, createdAt: EpochMillis = 0) {
        self.id = id
        self.attempts = attempts
        self.environmentFloor = environmentFloor
        self.createdAt = createdAt
    }
}

/// A queue's scheduling view: priority, state and environments in order.
public struct QueueRoute: Sendable, Equatable {
    /// Queue name.
    public var name: String
    /// Higher first.
    public var priority: Int
    /// Whether it is ENABLED.
    public var enabled: Bool
    /// Environment names in `computeEnvironmentOrder`.
    public var environments: [String]
}

/// One engine step's changes, written in a single transaction.
public struct EngineBatch: Sendable {
    /// Jobs to move RUNNABLE → STARTING on an environment (the attempt number is `attempts + 1`).
    public var claims: [(job: RunnableJob, environment: String)] = []
    /// PENDING jobs whose next attempt is handed to a cluster ahead of their dependencies (``JobTransition/handOver``):
    /// the attempt number is `attempts + 1`.
    public var holds: [(job: RunnableJob, environment: String)] = []
    /// Jobs whose process started: STARTING (or PENDING with an attempt held on a cluster) → RUNNING.
    public var started: [AttemptStart] = []
    /// Attempts that ended.
    public var finished: [FinishedAttempt] = []
    /// statusReason updates for RUNNABLE jobs that cannot be placed (nil clears the reason). A reason
    /// that `blocks` marks its job blocked: the scheduler skips it (``Store/runnable(queue:limit:)``)
    /// until it leaves RUNNABLE or `apply` changes queues or environments. The store notes since when
    /// each job has had its reason's code (``RunnableReason/code(of:)``), for `jobStateTimeLimitActions`.
    public var reasons: [(id: String, reason: String?, blocks: Bool)] = []
    /// When the reasons were decided, on the engine's clock (the store's clock when nil).
    public var now: EpochMillis?
    /// Simulated instances that changed (launched, ready, reclaimed, ended).
    public var instances: [InstanceRecord] = []

    /// Creates an empty batch.
    public init() {}

    /// Whether there is nothing to write.
    public var isEmpty: Bool { claims.isEmpty && holds.isEmpty && started.isEmpty && finished.isEmpty && reasons.isEmpty && instances.isEmpty }

    /// Appends what `other` holds.
    public mutating func merge(_ other: EngineBatch) {
        claims += other.claims
        holds += other.holds
        started += other.started
        finished += other.finished
        reasons += other.reasons
        now = other.now ?? now
        instances += other.instances
    }
}

/// An attempt whose process started running.
public struct AttemptStart: Sendable, Equatable {
    /// Job id.
    public var id: String
    /// Attempt number.
    public var attempt: Int
    /// Its process id, for a local process.
    public var pid: Int32?
    /// When it started.
    public var at: EpochMillis
    /// The cluster node it runs on.
    public var host: String?
    /// The cluster's id of it.
    public var clusterJob: String?

    /// Creates a start record.
    public init(id: String, attempt: Int, pid: Int32?, at: EpochMillis, host: String? = nil, clusterJob: String? = nil) {
        self.id = id
        self.attempt = attempt
        self.pid = pid
        self.at = at
        self.host = host
        self.clusterJob = clusterJob
    }
}

/// What an attempt on a simulated instance held and cost.
public struct AttemptUsage: Sendable, Equatable {
    /// The instance it ran on.
    public var instance: String
    /// vCPUs it held.
    public var vcpus: Double
    /// Simulated seconds it held them.
    public var simulatedSeconds: Double
    /// What it cost at its environment's price.
    public var cost: Double
    /// What it would have cost on demand.
    public var onDemandCost: Double
    /// The fault-injection experiment that interrupted it, if one did.
    public var experiment: String?

    /// Creates a usage record.
    public init(instance: String, vcpus: Double, simulatedSeconds: Double, cost: Double, onDemandCost: Double, experiment: String? = nil) {
        self.instance = instance
        self.vcpus = vcpus
        self.simulatedSeconds = simulatedSeconds
        self.cost = cost
        self.onDemandCost = onDemandCost
        self.experiment = experiment
    }
}

/// An attempt that ended, and how.
public struct FinishedAttempt: Sendable {
    /// Job id.
    public var id: String
    /// Attempt number (1-based).
    public var attempt: Int
    /// How it ended.
    public var outcome: AttemptOutcome
    /// When it ended.
    public var at: EpochMillis
    /// False when the engine itself stopped the attempt (Ctrl-C, shutdown): the job goes back to
    /// RUNNABLE and the attempt does not count against `retryStrategy.attempts`.
    public var counts: Bool
    /// Instance, time and cost, for an attempt on a simulated instance.
    public var usage: AttemptUsage?

    /// Creates a finished attempt.
    public init(id: String, attempt: Int, outcome: AttemptOutcome, at: EpochMillis, counts: Bool = true, usage: AttemptUsage? = nil) {
        self.id = id
        self.attempt = attempt
        self.outcome = outcome
        self.at = at
        self.counts = counts
        self.usage = usage
    }
}

/// What a batch did.
public struct BatchResult: Sendable {
    /// Claims that took effect (a job cancelled meanwhile is left out).
    public var claimed: [RunnableJob] = []
    /// Hand-overs that took effect (a job released, failed or cancelled meanwhile is left out).
    public var held: [RunnableJob] = []
    /// Whether some job became RUNNABLE (a retry or a released dependency).
    public var becameRunnable = false
    /// What each written attempt end moved its job to, by job id: SUCCEEDED, FAILED, or RUNNABLE
    /// (a retry, or an attempt that does not count). Ends the store ignored are left out.
    public var decisions: [String: JobStatus] = [:]
    /// The retry decisions of the written attempt ends that counted and go on to another attempt (which rule said so).
    public var retries: [RetryDecision] = []
}

/// A job found STARTING or RUNNING when an engine starts: its previous engine died.
public struct OrphanedJob: Sendable {
    /// Job id.
    public var id: String
    /// Attempt number.
    public var attempt: Int
    /// Process id, if it had started.
    public var pid: Int32?
    /// A terminate request that was waiting for the dead engine.
    public var terminateReason: String?
    /// STARTING (claimed), RUNNING (its process was seen to start), or PENDING with an attempt held on a cluster.
    public var status: JobStatus
    /// The compute environment it was placed on.
    public var environment: String?
}

extension Store {
    /// Queues in priority order (highest first), with their environments.
    public func routes() throws(DroverError) -> [QueueRoute] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT document FROM job_queue ORDER BY priority DESC, created_at").map {
                let queue = try JSONDecoder().decode(JobQueue.self, from: Data($0.utf8))
                return QueueRoute(name: queue.jobQueueName, priority: queue.priority ?? 0, enabled: queue.isEnabled, environments: queue.orderedEnvironmentNames)
            }
        }
    }

    /// Up to `limit` RUNNABLE jobs of `queue`, oldest first, skipping blocked ones (known not to
    /// run until queues or environments change).
    public func runnable(queue: String, limit: Int) throws(DroverError) -> [RunnableJob] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, attempts, environment_floor, created_at FROM job WHERE status = \(JobStatus.runnable.sql) AND queue = ? AND blocked = 0
                ORDER BY seq LIMIT ?
                """, arguments: [queue, limit]).map { RunnableJob(id: $0[0], attempts: $0[1], environmentFloor: $0[2], createdAt: $0[3]) }
        }
    }

    /// Jobs with a pending terminate request that are STARTING or RUNNING, or PENDING with an attempt held on a cluster
    /// (cancelled there: ``cancel(_:reason:)``).
    public func terminateRequests() throws(DroverError) -> [(id: String, reason: String)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, terminate_reason FROM job WHERE terminate_reason IS NOT NULL
                AND (\(JobStatus.condition(JobStatus.active)) OR (status = \(JobStatus.pending.sql) AND held = 1))
                """)
                .map { ($0["id"], $0["terminate_reason"]) }
        }
    }

    /// Jobs left STARTING or RUNNING, or PENDING with an attempt held on a cluster, by an engine that is gone.
    public func orphans() throws(DroverError) -> [OrphanedJob] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, attempts, pid, terminate_reason, status, environment FROM job
                WHERE (\(JobStatus.condition(JobStatus.active)) OR (status = \(JobStatus.pending.sql) AND held = 1)) AND array_size IS NULL
                """).map {
                OrphanedJob(id: $0["id"], attempt: $0["attempts"], pid: ($0["pid"] as Int?).map { Int32($0) }, terminateReason: $0["terminate_reason"],
                            status: JobStatus(rawValue: $0["status"]) ?? .running, environment: $0["environment"])
            }
        }
    }

    /// Writes one engine step in a single transaction, in this order: new claims, started
    /// processes, finished attempts (with retry decisions and dependency propagation), placement
    /// reasons.
    public func commit(_ batch: EngineBatch) throws(DroverError) -> BatchResult {
        try write { db in
            var result = BatchResult()
            let now = nowMillis()
            // A claim whose process already started (the engine starts first and records after)
            // goes straight to RUNNING; STARTING is what a claim without a process shows.
            var startedById = Dictionary(batch.started.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
            for (job, environment) in batch.claims {
                let start = startedById.removeValue(forKey: job.id)
                try db.run("""
                    UPDATE job SET status = ?, environment = ?, attempts = attempts + 1, status_reason = NULL, blocked = 0,
                    reason_key = NULL, reason_since = NULL, pid = ?, started_at = ?, exit_code = NULL, container_reason = NULL,
                    host = ?, cluster_job = ?
                    WHERE id = ? AND \(JobTransition.claim.condition) AND attempts = ?
                    """, [start == nil ? "STARTING" : "RUNNING", environment, start?.pid, start?.at, start?.host, start?.clusterJob,
                          job.id, job.attempts])
                guard db.changesCount == 1 else { continue }
                result.claimed.append(job)
            }
            for (job, environment) in batch.holds {
                try db.run("""
                    UPDATE job SET held = 1, environment = ?, attempts = attempts + 1, pid = NULL, started_at = NULL, exit_code = NULL,
                    container_reason = NULL, host = NULL, cluster_job = NULL
                    WHERE id = ? AND \(JobTransition.handOver.condition) AND attempts = ?
                    """, [environment, job.id, job.attempts])
                if db.changesCount == 1 { result.held.append(job) }
            }
            for item in startedById.values {
                try db.run("""
                    UPDATE job SET status = \(JobStatus.running.sql), held = 0, started_at = ?, pid = ?, host = ?, cluster_job = ?
                    WHERE id = ? AND \(JobTransition.start.condition) AND attempts = ?
                    """, [item.at, item.pid, item.host, item.clusterJob, item.id, item.attempt])
            }
            var finishedJobs: [(id: String, status: JobStatus)] = []
            for item in batch.finished {
                guard let (decision, retry) = try finish(db, item) else { continue }
                result.decisions[item.id] = decision
                if let retry { result.retries.append(retry) }
                if decision.isTerminal { finishedJobs.append((item.id, decision)) }
                if decision == .runnable { result.becameRunnable = true }
            }
            if !finishedJobs.isEmpty {
                if try jobsFinished(db, finishedJobs, now: now) { result.becameRunnable = true }
            }
            // A job keeps its `reason_since` while the key stays the same, however the reason's detail changes.
            let reason = try db.cachedStatement(sql: """
                UPDATE job SET status_reason = :reason, blocked = :blocks,
                reason_since = CASE WHEN :key IS NULL THEN NULL WHEN reason_key IS :key AND reason_since IS NOT NULL THEN reason_since ELSE :now END,
                reason_key = :key
                WHERE id = :id AND status = \(JobStatus.runnable.sql)
                """)
            let reasonTime = batch.now ?? now
            for item in batch.reasons {
                let key = item.reason.map { RunnableReason.code(of: $0) ?? $0 }
                try reason.execute(arguments: ["reason": item.reason, "blocks": item.blocks, "key": key, "now": reasonTime, "id": item.id])
            }
            for instance in batch.instances {
                try record(db, instance)
            }
            return result
        }
    }

    /// Records one ended attempt and moves its job on; returns the job's new status (and the decision to retry it,
    /// when one was taken), or nil when the job was not running that attempt (nothing changes then).
    func finish(_ db: Database, _ item: FinishedAttempt) throws -> (status: JobStatus, retry: RetryDecision?)? {
        if try db.row("SELECT held FROM job WHERE id = ? AND status = \(JobStatus.pending.sql) AND attempts = ?", [item.id, item.attempt])?[0] as Bool? == true {
            return (try dropHeld(db, item), nil)
        }
        var outcome = item.outcome
        var counts = item.counts
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT interruptions, terminate_reason, attempt_base FROM job WHERE id = ?"), arguments: [item.id])
        // A terminate request that reached the store before the engine acted on it: the attempt ends
        // the job as TerminateJob does (not retried, isTerminated), unless it had already succeeded.
        if let request = row?["terminate_reason"] as String?, outcome.kind != .terminated,
           !(counts && outcome.kind == .exited && outcome.exitCode == 0) {
            outcome.kind = .terminated
            outcome.statusReason = request
            counts = true
        }
        let usage = item.usage
        let interrupted = outcome.kind == .interrupted
        // The attempt's row is written once, when it ends, from what the job row holds while it runs.
        try db.run("""
            INSERT OR REPLACE INTO attempt(job_id, number, environment, pid, started_at, stopped_at, exit_code, reason, status_reason,
                instance_id, signal, interrupted, out_of_memory, simulated_seconds, vcpus, cost, on_demand_cost, experiment, host, cluster_job)
            SELECT id, attempts, environment, pid, started_at, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, host, cluster_job FROM job
            WHERE id = ? AND \(JobTransition.finish.condition) AND attempts = ?
            """, [item.at, outcome.exitCode, outcome.reason, Self.storedReason(outcome.statusReason),
                  usage?.instance, outcome.signal, interrupted, outcome.outOfMemory, usage?.simulatedSeconds, usage?.vcpus,
                  usage?.cost, usage?.onDemandCost, usage?.experiment, item.id, item.attempt])
        guard db.changesCount == 1 else { return nil }
        var next = JobStatus.runnable
        var retry: RetryDecision?
        if counts {
            let spec = try spec(db, top: JobID.split(item.id).parent)
            let interruptions = (row?["interruptions"] as Int? ?? 0) + (interrupted ? 1 : 0)
            var floor: Int?
            let decision = RetryDecision.decide(strategy: spec.retryStrategy, outcome: outcome,
                                                attemptsUsed: item.attempt - (row?["attempt_base"] as Int? ?? 0), interruptionsUsed: interruptions)
            switch decision {
            case .succeed: next = .succeeded
            case .retry:
                next = .runnable
                retry = decision
            case .retryNextEnvironment:
                next = .runnable
                retry = decision
                floor = try nextEnvironmentFloor(db, job: item.id)
            case .fail: next = .failed
            }
            try db.run("""
                UPDATE job SET status = ?, status_reason = ?, exit_code = ?, container_reason = ?, pid = NULL,
                stopped_at = ?, terminate_reason = CASE WHEN ? THEN terminate_reason ELSE NULL END,
                stopped_by = CASE WHEN ? THEN NULL ELSE stopped_by END,
                interruptions = ?, environment_floor = COALESCE(?, environment_floor)
                WHERE id = ? AND \(JobTransition.finish.condition) AND attempts = ?
                """, [next.rawValue, next.isTerminal ? Self.storedReason(outcome.statusReason) : outcome.statusReason,
                      outcome.exitCode, outcome.reason, next.isTerminal ? item.at : nil, next.isTerminal, next == .succeeded,
                      interruptions, floor, item.id, item.attempt])
        } else {
            try db.run("""
                UPDATE job SET status = \(JobStatus.runnable.sql), attempts = attempts - 1, status_reason = ?, pid = NULL
                WHERE id = ? AND \(JobTransition.requeue.condition) AND attempts = ?
                """, [outcome.statusReason, item.id, item.attempt])
        }
        return (next, retry)
    }

    /// An attempt held on a cluster ahead of the job's dependencies ended before it started (the cluster dropped it: a
    /// dependency failed there, or it was stopped): nothing ran, so nothing is recorded or counted; the job stays
    /// PENDING and its dependencies decide again. Returns the job's status then.
    func dropHeld(_ db: Database, _ item: FinishedAttempt) throws -> JobStatus {
        if let reason = try db.row("SELECT terminate_reason FROM job WHERE id = ?", [item.id])?[0] as String? {
            // Cancelled (or terminated) while held: taken off the cluster before it started, it fails as a PENDING job does.
            try db.run("""
                UPDATE job SET status = \(JobStatus.failed.sql), status_reason = ?, stopped_at = ?, blocked = 0, reason_key = NULL,
                reason_since = NULL, terminate_reason = NULL, held = 0, attempts = attempts - 1, environment = NULL
                WHERE id = ? AND status = \(JobStatus.pending.sql) AND held = 1 AND attempts = ?
                """, [reason, item.at, item.id, item.attempt])
            try jobsFinished(db, [(item.id, .failed)], now: item.at)
            return .failed
        }
        try db.run("""
            UPDATE job SET held = 0, attempts = attempts - 1, environment = NULL
            WHERE id = ? AND status = \(JobStatus.pending.sql) AND held = 1 AND attempts = ?
            """, [item.id, item.attempt])
        let decided = try evaluate(db, candidates: [item.id], now: item.at)
        if decided.failed.contains(where: { $0.id == item.id }) { return .failed }
        return decided.released ? .runnable : .pending
    }

    /// The usual reason of an ended attempt (and of a finished job that ran) is stored as NULL, and
    /// read back by ``Store/record(_:)`` and ``Store/attempts(_:)``: rows of large arrays stay small.
    static func storedReason(_ reason: String) -> String? {
        reason == Reasons.containerExited ? nil : reason
    }

    /// The position, in the job's queue, of the environment after the one its attempt ran on (the
    /// last environment stays the last).
    func nextEnvironmentFloor(_ db: Database, job id: String) throws -> Int? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT j.environment AS environment, q.document AS document FROM job j JOIN job_queue q ON q.name = j.queue WHERE j.id = ?
            """, arguments: [id]) else { return nil }
        let document: String = row["document"]
        let queue = try JSONDecoder().decode(JobQueue.self, from: Data(document.utf8))
        let names = queue.orderedEnvironmentNames
        guard let current = names.firstIndex(of: row["environment"] ?? "") else { return nil }
        return min(current + 1, names.count - 1)
    }
}

import Foundation

extension Store {
    /// Whether a job is STARTING or RUNNING on a Slurm environment: an engine that starts must then ask the cluster
    /// how those attempts went.
    public func hasClusterAttempts() throws(DroverError) -> Bool {
        let names = Set(try computeEnvironments().filter(\.isCluster).map(\.computeEnvironmentName))
        guard !names.isEmpty else { return false }
        return try orphans().contains { $0.environment.map(names.contains) ?? false }
    }
}
