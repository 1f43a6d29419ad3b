import DroverCore
import GRDB

extension Store {
    /// `UpdateComputeEnvironment`: `change` gets the environment as stored and gives it as it must be, inside one
    /// transaction (so that two updates at once both count). It may throw to refuse the change; nothing changes then.
    public func updateComputeEnvironment(_ name: String, _ change: (Located<ComputeEnvironment>) throws(DroverError) -> Located<ComputeEnvironment>) throws(DroverError) {
        try write { db in _ = try update(db, computeEnvironment: name, change) }
    }

    /// `UpdateJobQueue`: as ``updateComputeEnvironment(_:_:)``. The queue's environments and scheduling policy must
    /// exist; a queue's scheduling policy can be replaced but not added to a FIFO queue (AWS's rule).
    public func updateJobQueue(_ name: String, _ change: (Located<JobQueue>) throws(DroverError) -> Located<JobQueue>) throws(DroverError) {
        try write { db in _ = try update(db, jobQueue: name, change) }
    }

    /// ``updateComputeEnvironment(_:_:)`` inside the caller's write transaction.
    func update(_ db: Database, computeEnvironment name: String, _ change: (Located<ComputeEnvironment>) throws(DroverError) -> Located<ComputeEnvironment>) throws -> ResourceChange {
        let updated = try change(try stored(db, .computeEnvironment, name, as: ComputeEnvironment.self))
        try keepName(updated.value.computeEnvironmentName, name)
        let result = try put(db, environment: updated, now: nowMillis())
        try capacityChanged(db)
        return result
    }

    /// ``updateJobQueue(_:_:)`` inside the caller's write transaction.
    func update(_ db: Database, jobQueue name: String, _ change: (Located<JobQueue>) throws(DroverError) -> Located<JobQueue>) throws -> ResourceChange {
        let current = try stored(db, .jobQueue, name, as: JobQueue.self)
        let updated = try change(current)
        try keepName(updated.value.jobQueueName, name)
        if current.value.schedulingPolicyArn == nil, updated.value.schedulingPolicyArn != nil {
            throw DroverError("schedulingPolicyArn: job queue '\(name)' is first in, first out; a scheduling policy is given when a queue is created, not added later (create another queue)")
        }
        try checkReferences(db, of: updated.value)
        let result = try put(db, queue: updated, now: nowMillis())
        try capacityChanged(db)
        return result
    }

    /// `UpdateSchedulingPolicy`: as ``updateComputeEnvironment(_:_:)``.
    public func updateSchedulingPolicy(_ name: String, _ change: (Located<SchedulingPolicy>) throws(DroverError) -> Located<SchedulingPolicy>) throws(DroverError) {
        try write { db in
            let updated = try change(try stored(db, .schedulingPolicy, name, as: SchedulingPolicy.self))
            try keepName(updated.value.name, name)
            try db.execute(sql: "UPDATE scheduling_policy SET document = ?, updated_at = ? WHERE name = ?", arguments: [updated.document, nowMillis(), name])
        }
    }

    /// A stored resource that must exist, decoded.
    func stored<Value: Decodable & Sendable>(_ db: Database, _ kind: NamedResource, _ name: String, as type: Value.Type) throws -> Located<Value> {
        let document = try existingDocument(db, kind, name)
        return Located(value: try decode(Value.self, document), location: "\(kind.label) \(name)", document: document)
    }

    func keepName(_ new: String, _ old: String) throws {
        if new != old { throw DroverError("an update cannot rename '\(old)' (to '\(new)')") }
    }
}
