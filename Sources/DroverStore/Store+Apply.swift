import DroverCore
import GRDB

/// What `apply` changed, for the user.
public struct ApplyResult: Sendable, Equatable {
    /// One line per resource: `created compute environment spot`, `registered job definition hello:2`...
    public var changes: [String]
}

extension Store {
    /// Creates or updates every resource the file declares, in one transaction: if anything is
    /// wrong (an unknown environment, a queue referring to nothing), nothing changes. Partial updates
    /// (``ResourceFile/updates``) apply after the environments and queues the file declares whole.
    ///
    /// Registering a definition whose content equals its latest revision adds no revision.
    @discardableResult
    public func apply(_ file: ResourceFile) throws(DroverError) -> ApplyResult {
        try write { db in try apply(db, file) }
    }

    /// ``apply(_:)`` inside the caller's write transaction.
    func apply(_ db: Database, _ file: ResourceFile) throws -> ApplyResult {
        let now = nowMillis()
        var changes: [String] = []
        var issues: [ValidationIssue] = []
        for item in file.computeEnvironments {
            let change = try put(db, environment: item, now: now)
            changes.append("\(change.rawValue) compute environment \(item.value.computeEnvironmentName)")
        }
        for item in file.jobQueues {
            let name = item.value.jobQueueName
            for environment in try missingEnvironments(db, of: item.value) {
                issues.append(ValidationIssue(location: item.location, field: "jobQueues: \(name).computeEnvironmentOrder",
                    message: "unknown compute environment '\(environment)': declare it in this file or apply it first"))
            }
            let change = try put(db, queue: item, now: now)
            changes.append("\(change.rawValue) job queue \(name)")
        }
        for item in file.updates {
            do {
                changes.append(try update(db, item))
            } catch let error as DroverError {
                issues.append(ValidationIssue(location: item.location, field: "", message: error.message))
            }
        }
        for item in file.jobDefinitions {
            let (revision, registered) = try register(db, definition: item, reusingUnchanged: true, now: now)
            changes.append("\(registered ? "registered" : "unchanged") job definition \(item.value.jobDefinitionName):\(revision)")
        }
        if !issues.isEmpty { throw DroverError.invalid(issues) }
        try capacityChanged(db)
        return ApplyResult(changes: changes)
    }

    /// Applies the partial update `item` declares to the stored queue or environment it names (which must exist), as
    /// UpdateJobQueue and UpdateComputeEnvironment do; the line that says what changed.
    func update(_ db: Database, _ item: Located<ResourceUpdate>) throws -> String {
        let update = item.value
        let name = ResourceName.fromArn(update.reference ?? "")
        let change = switch update.kind {
        case .jobQueue:
            try self.update(db, jobQueue: name) { current throws(DroverError) in
                try update.applied(to: current, name: name, location: item.location, validate: Validator.validate)
            }
        case .computeEnvironment:
            try self.update(db, computeEnvironment: name) { current throws(DroverError) in
                try update.applied(to: current, name: name, location: item.location, validate: Validator.validate)
            }
        }
        return change == .unchanged ? "unchanged \(update.kind.label) \(name)" : update.summary(change.rawValue, name: name)
    }

    /// What ``put(_:environment:now:)`` and ``put(_:queue:now:)`` did.
    enum ResourceChange: String {
        case created, updated, unchanged
    }

    /// Creates or replaces the compute environment `item` declares (its document kept as given); its tags go to the
    /// tag table.
    func put(_ db: Database, environment item: Located<ComputeEnvironment>, now: EpochMillis) throws -> ResourceChange {
        let name = item.value.computeEnvironmentName
        let state = (item.value.state ?? .enabled).rawValue
        let existing = try String.fetchOne(db, sql: "SELECT document FROM compute_environment WHERE name = ?", arguments: [name])
        try putTags(db, .computeEnvironment, name, item.value.tags, replacing: try existing.map { try decode(ComputeEnvironment.self, $0).tags })
        if existing == nil {
            try db.execute(sql: "INSERT INTO compute_environment VALUES (?, ?, ?, ?, ?)", arguments: [name, state, item.document, now, now])
            return .created
        }
        guard existing != item.document else { return .unchanged }
        try db.execute(sql: "UPDATE compute_environment SET state = ?, document = ?, updated_at = ? WHERE name = ?", arguments: [state, item.document, now, name])
        return .updated
    }

    /// Creates or replaces the job queue `item` declares (whether its environments exist is
    /// ``missingEnvironments(_:of:)``'s to say); its tags go to the tag table.
    func put(_ db: Database, queue item: Located<JobQueue>, now: EpochMillis) throws -> ResourceChange {
        let name = item.value.jobQueueName
        let state = (item.value.state ?? .enabled).rawValue
        let priority = item.value.priority ?? 0
        let existing = try String.fetchOne(db, sql: "SELECT document FROM job_queue WHERE name = ?", arguments: [name])
        try putTags(db, .jobQueue, name, item.value.tags, replacing: try existing.map { try decode(JobQueue.self, $0).tags })
        if existing == nil {
            try db.execute(sql: "INSERT INTO job_queue VALUES (?, ?, ?, ?, ?, ?)", arguments: [name, state, priority, item.document, now, now])
            return .created
        }
        guard existing != item.document else { return .unchanged }
        try db.execute(sql: "UPDATE job_queue SET state = ?, priority = ?, document = ?, updated_at = ? WHERE name = ?",
                       arguments: [state, priority, item.document, now, name])
        return .updated
    }

    /// Puts the tags a resource's document gives in the tag table when it is created, or when its new document gives
    /// other tags than its old one (`old`: the old document's tags, `.some(nil)` when it gave none): an update that
    /// does not touch them leaves the table, where TagResource and UntagResource changed them, alone.
    func putTags(_ db: Database, _ kind: NamedResource, _ name: String, _ tags: [String: String]?, replacing old: [String: String]??) throws {
        guard let tags else { return }
        if case .some(.some(let previous)) = old, previous == tags { return }
        try setTags(db, kind.tagKey(name), tags)
    }

    /// The environments `queue` names in its `computeEnvironmentOrder` that are not in the store.
    func missingEnvironments(_ db: Database, of queue: JobQueue) throws -> [String] {
        try queue.orderedEnvironmentNames.filter {
            !(try Bool.fetchOne(db, sql: "SELECT 1 FROM compute_environment WHERE name = ?", arguments: [$0]) ?? false)
        }
    }

    /// Adds the revision `item` declares, or, with `reusingUnchanged`, finds its latest ACTIVE revision when that
    /// has the same document (as `drover apply` does; AWS's RegisterJobDefinition always adds one). Tags of a new
    /// revision go to the tag table.
    func register(_ db: Database, definition item: Located<JobDefinition>, reusingUnchanged: Bool, now: EpochMillis) throws -> (revision: Int, registered: Bool) {
        let name = item.value.jobDefinitionName
        if reusingUnchanged, let latest = try Row.fetchOne(db, sql: "SELECT revision, document FROM job_definition WHERE name = ? AND status = 'ACTIVE' ORDER BY revision DESC LIMIT 1", arguments: [name]),
           (latest["document"] as String) == item.document {
            return (latest["revision"], false)
        }
        let revision = (try Int.fetchOne(db, sql: "SELECT MAX(revision) FROM job_definition WHERE name = ?", arguments: [name]) ?? 0) + 1
        try db.execute(sql: "INSERT INTO job_definition VALUES (?, ?, 'ACTIVE', ?, ?)", arguments: [name, revision, item.document, now])
        if let tags = item.value.tags { try setTags(db, "job-definition/\(name):\(revision)", tags) }
        return (revision, true)
    }

    /// Queues or environments changed: the scheduler looks again at the RUNNABLE jobs it had given up on.
    func capacityChanged(_ db: Database) throws {
        try db.execute(sql: "UPDATE job SET status_reason = NULL, blocked = 0 WHERE status = \(JobStatus.runnable.sql) AND (status_reason IS NOT NULL OR blocked = 1)")
    }

    /// All compute environments, by name.
    public func computeEnvironments() throws(DroverError) -> [ComputeEnvironment] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT document FROM compute_environment ORDER BY name").map {
                try JSONDecoder().decode(ComputeEnvironment.self, from: Data($0.utf8))
            }
        }
    }

    /// All job queues, highest priority first.
    public func jobQueues() throws(DroverError) -> [JobQueue] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT document FROM job_queue ORDER BY priority DESC, name").map {
                try JSONDecoder().decode(JobQueue.self, from: Data($0.utf8))
            }
        }
    }

    /// Every active job definition revision: `(name:revision, definition, stored document)`.
    public func jobDefinitions() throws(DroverError) -> [(ref: String, definition: JobDefinition, document: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, revision, document FROM job_definition WHERE status = 'ACTIVE' ORDER BY name, revision").map { row in
                let document: String = row["document"]
                return ("\(row["name"] as String):\(row["revision"] as Int)", try JSONDecoder().decode(JobDefinition.self, from: Data(document.utf8)), document)
            }
        }
    }

    /// Looks up `name`, `name:revision` or an ARN; `name` alone is the latest ACTIVE revision. `active` is false for
    /// a deregistered revision, which AWS does not run.
    func definition(_ db: Database, _ reference: String) throws -> (ref: String, definition: JobDefinition, active: Bool)? {
        let text = ResourceName.fromArn(reference)
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let row: Row?
        if parts.count == 2, let revision = Int(parts[1]) {
            row = try Row.fetchOne(db, sql: "SELECT name, revision, status, document FROM job_definition WHERE name = ? AND revision = ?", arguments: [parts[0], revision])
        } else {
            row = try Row.fetchOne(db, sql: "SELECT name, revision, status, document FROM job_definition WHERE name = ? AND status = 'ACTIVE' ORDER BY revision DESC LIMIT 1", arguments: [text])
        }
        guard let row else { return nil }
        let document: String = row["document"]
        return ("\(row["name"] as String):\(row["revision"] as Int)", try JSONDecoder().decode(JobDefinition.self, from: Data(document.utf8)),
                (row["status"] as String) == "ACTIVE")
    }
}

import Foundation
