import DroverCore
import GRDB

extension Store {
    /// Tags of a resource, named `KIND/NAME` as in its ARN (`job/ID`, `job-queue/high`, `job-definition/thumbs:3`).
    public func tags(of resource: String) throws(DroverError) -> [String: String] {
        try read { db in try tags(db, resources: [resource])[resource] ?? [:] }
    }

    /// Adds or replaces tags of a resource that exists (see ``resourceExists(_:)``).
    public func tag(_ resource: String, with tags: [String: String]) throws(DroverError) {
        try write { db in
            guard try resourceExists(db, resource) else { throw DroverError("no resource \(resource)") }
            try setTags(db, resource, tags)
        }
    }

    /// Removes tags of a resource that exists; keys it does not have are ignored.
    public func untag(_ resource: String, keys: [String]) throws(DroverError) {
        try write { db in
            guard try resourceExists(db, resource) else { throw DroverError("no resource \(resource)") }
            for key in keys {
                try db.execute(sql: "DELETE FROM tag WHERE resource = ? AND key = ?", arguments: [resource, key])
            }
        }
    }

    /// Whether `KIND/NAME` names a job, queue, environment, definition revision or scheduling policy in the store.
    public func resourceExists(_ resource: String) throws(DroverError) -> Bool {
        try read { db in try resourceExists(db, resource) }
    }

    func resourceExists(_ db: Database, _ resource: String) throws -> Bool {
        let parts = resource.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return false }
        let name = parts[1]
        switch parts[0] {
        case "job":
            return try Bool.fetchOne(db, sql: "SELECT 1 FROM job WHERE id = ?", arguments: [name]) ?? false
        case "job-queue":
            return try Bool.fetchOne(db, sql: "SELECT 1 FROM job_queue WHERE name = ?", arguments: [name]) ?? false
        case "compute-environment":
            return try Bool.fetchOne(db, sql: "SELECT 1 FROM compute_environment WHERE name = ?", arguments: [name]) ?? false
        case "scheduling-policy":
            return try Bool.fetchOne(db, sql: "SELECT 1 FROM scheduling_policy WHERE name = ?", arguments: [name]) ?? false
        case "job-definition":
            let ref = name.split(separator: ":", maxSplits: 1).map(String.init)
            guard ref.count == 2, let revision = Int(ref[1]) else { return false }
            return try Bool.fetchOne(db, sql: "SELECT 1 FROM job_definition WHERE name = ? AND revision = ?", arguments: [ref[0], revision]) ?? false
        default:
            return false
        }
    }

    /// Adds or replaces `tags` of `resource` inside the caller's transaction.
    func setTags(_ db: Database, _ resource: String, _ tags: [String: String]) throws {
        for (key, value) in tags {
            try db.execute(sql: "INSERT OR REPLACE INTO tag VALUES (?, ?, ?)", arguments: [resource, key, value])
        }
    }

    /// Removes every tag of `resource` (it was deleted) inside the caller's transaction.
    func dropTags(_ db: Database, _ resource: String) throws {
        try db.execute(sql: "DELETE FROM tag WHERE resource = ?", arguments: [resource])
    }

    /// Tags of each of `resources` that has any.
    func tags(_ db: Database, resources: [String]) throws -> [String: [String: String]] {
        guard !resources.isEmpty else { return [:] }
        var result: [String: [String: String]] = [:]
        for chunk in stride(from: 0, to: resources.count, by: 500).map({ Array(resources[$0..<min($0 + 500, resources.count)]) }) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for row in try Row.fetchAll(db, sql: "SELECT resource, key, value FROM tag WHERE resource IN (\(marks))", arguments: StatementArguments(chunk)) {
                result[row["resource"], default: [:]][row["key"]] = row["value"]
            }
        }
        return result
    }
}
