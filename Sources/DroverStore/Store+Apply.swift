import DroverCore
import GRDB

/// What `apply` changed, for the user.
public struct ApplyResult: Sendable, Equatable {
    /// One line per resource: `created compute environment spot`, `registered job definition hello:2`...
    public var changes: [String]
}

extension Store {
    /// Creates or updates every resource the file declares, in one transaction: if anything is
    /// wrong (an unknown environment, a queue referring to nothing), nothing changes.
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
            let name = item.value.computeEnvironmentName
            let existing = try String.fetchOne(db, sql: "SELECT document FROM compute_environment WHERE name = ?", arguments: [name])
            let state = (item.value.state ?? .enabled).rawValue
            if existing == nil {
                try db.execute(sql: "INSERT INTO compute_environment VALUES (?, ?, ?, ?, ?)", arguments: [name, state, item.document, now, now])
                changes.append("created compute environment \(name)")
            } else if existing != item.document {
                try db.execute(sql: "UPDATE compute_environment SET state = ?, document = ?, updated_at = ? WHERE name = ?", arguments: [state, item.document, now, name])
                changes.append("updated compute environment \(name)")
            } else {
                changes.append("unchanged compute environment \(name)")
            }
        }
        for item in file.jobQueues {
            let name = item.value.jobQueueName
            for environment in item.value.orderedEnvironmentNames {
                let known = try Bool.fetchOne(db, sql: "SELECT 1 FROM compute_environment WHERE name = ?", arguments: [environment]) ?? false
                if !known {
                    issues.append(ValidationIssue(location: item.location, field: "jobQueues: \(name).computeEnvironmentOrder",
                        message: "unknown compute environment '\(environment)': declare it in this file or apply it first"))
                }
            }
            let existing = try String.fetchOne(db, sql: "SELECT document FROM job_queue WHERE name = ?", arguments: [name])
            let state = (item.value.state ?? .enabled).rawValue
            let priority = item.value.priority ?? 0
            if existing == nil {
                try db.execute(sql: "INSERT INTO job_queue VALUES (?, ?, ?, ?, ?, ?)", arguments: [name, state, priority, item.document, now, now])
                changes.append("created job queue \(name)")
            } else if existing != item.document {
                try db.execute(sql: "UPDATE job_queue SET state = ?, priority = ?, document = ?, updated_at = ? WHERE name = ?",
                               arguments: [state, priority, item.document, now, name])
                changes.append("updated job queue \(name)")
            } else {
                changes.append("unchanged job queue \(name)")
            }
        }
        for item in file.jobDefinitions {
            let name = item.value.jobDefinitionName
            let latest = try Row.fetchOne(db, sql: "SELECT revision, document FROM job_definition WHERE name = ? AND status = 'ACTIVE' ORDER BY revision DESC LIMIT 1", arguments: [name])
            if let latest, (latest["document"] as String) == item.document {
                changes.append("unchanged job definition \(name):\(latest["revision"] as Int)")
                continue
            }
            let revision = (try Int.fetchOne(db, sql: "SELECT MAX(revision) FROM job_definition WHERE name = ?", arguments: [name]) ?? 0) + 1
            try db.execute(sql: "INSERT INTO job_definition VALUES (?, ?, 'ACTIVE', ?, ?)", arguments: [name, revision, item.document, now])
            changes.append("registered job definition \(name):\(revision)")
        }
        if !issues.isEmpty { throw DroverError.invalid(issues) }
        // Capacity may have changed: let the scheduler look again at jobs it had given up on.
        try db.execute(sql: "UPDATE job SET status_reason = NULL, blocked = 0 WHERE status = \(JobStatus.runnable.sql) AND (status_reason IS NOT NULL OR blocked = 1)")
        return ApplyResult(changes: changes)
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

    /// Looks up `name`, `name:revision` or an ARN; `name` alone is the latest ACTIVE revision.
    func definition(_ db: Database, _ reference: String) throws -> (ref: String, definition: JobDefinition)? {
        let text = ResourceName.fromArn(reference)
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let row: Row?
        if parts.count == 2, let revision = Int(parts[1]) {
            row = try Row.fetchOne(db, sql: "SELECT name, revision, document FROM job_definition WHERE name = ? AND revision = ?", arguments: [parts[0], revision])
        } else {
            row = try Row.fetchOne(db, sql: "SELECT name, revision, document FROM job_definition WHERE name = ? AND status = 'ACTIVE' ORDER BY revision DESC LIMIT 1", arguments: [text])
        }
        guard let row else { return nil }
        let document: String = row["document"]
        return ("\(row["name"] as String):\(row["revision"] as Int)", try JSONDecoder().decode(JobDefinition.self, from: Data(document.utf8)))
    }
}

import Foundation
