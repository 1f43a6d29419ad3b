import DroverCore
import GRDB

/// The kinds of resource stored one row per name (job definitions have revisions: see ``Store/definitions(_:)``).
public enum NamedResource: String, Sendable, CaseIterable {
    /// Compute environments (`compute_environment`).
    case computeEnvironment = "compute-environment"
    /// Job queues (`job_queue`).
    case jobQueue = "job-queue"
    /// Scheduling policies (`scheduling_policy`).
    case schedulingPolicy = "scheduling-policy"

    /// The table holding them.
    var table: String {
        switch self {
        case .computeEnvironment: "compute_environment"
        case .jobQueue: "job_queue"
        case .schedulingPolicy: "scheduling_policy"
        }
    }

    /// The kind in words, for messages.
    public var label: String {
        switch self {
        case .computeEnvironment: "compute environment"
        case .jobQueue: "job queue"
        case .schedulingPolicy: "scheduling policy"
        }
    }

    /// The key of a resource of this kind in the tag table (`KIND/NAME`, as in its ARN).
    func tagKey(_ name: String) -> String { "\(rawValue)/\(name)" }
}

/// A resource as stored: its document (the JSON it was created or last updated with, unknown fields included) and
/// its tags.
public struct StoredResource: Sendable, Equatable {
    /// The name; for a job definition, its name without the revision.
    public var name: String
    /// A job definition's revision.
    public var revision: Int?
    /// A job definition revision's status: ACTIVE, or INACTIVE once deregistered.
    public var status: String?
    /// The stored document: compact JSON with sorted keys.
    public var document: String
    /// The tags of the resource (empty when it has none).
    public var tags: [String: String]

    /// `NAME`, or `NAME:REVISION` for a job definition revision.
    public var reference: String { revision.map { "\(name):\($0)" } ?? name }

    /// Creates a stored resource.
    public init(name: String, revision: Int? = nil, status: String? = nil, document: String, tags: [String: String] = [:]) {
        self.name = name
        self.revision = revision
        self.status = status
        self.document = document
        self.tags = tags
    }
}

/// One page of resources, and where the next page starts (nil on the last page).
public struct ResourcePage: Sendable, Equatable {
    /// The resources of the page, by name (definitions by name, then revision).
    public var resources: [StoredResource]
    /// The position to give as `after` for the next page: a name, or `NAME:REVISION` for definitions.
    public var next: String?
}

/// Which job definition revisions ``Store/definitions(_:)`` lists (AWS's DescribeJobDefinitions).
public struct DefinitionQuery: Sendable {
    /// Only these revisions: `(name, revision)`, a nil revision meaning every revision of the name.
    public var revisions: [(name: String, revision: Int?)]?
    /// Only revisions of this name.
    public var name: String?
    /// Only revisions with this status (ACTIVE or INACTIVE).
    public var status: String?
    /// Start after this `NAME:REVISION` (a previous page's ``ResourcePage/next``).
    public var after: String?
    /// At most this many revisions.
    public var limit = 100

    /// Creates a query; with no argument, every revision.
    public init(revisions: [(name: String, revision: Int?)]? = nil, name: String? = nil, status: String? = nil, after: String? = nil, limit: Int = 100) {
        self.revisions = revisions
        self.name = name
        self.status = status
        self.after = after
        self.limit = limit
    }
}

extension Store {
    /// Resources of `kind` by name: only `names` when given (names not stored are left out), from after `after`, at
    /// most `limit`.
    public func resources(_ kind: NamedResource, names: [String]? = nil, after: String? = nil, limit: Int = 100) throws(DroverError) -> ResourcePage {
        try read { db in
            var clauses = ["1"]
            var arguments: [any DatabaseValueConvertible] = []
            if let names {
                clauses.append("name IN (\(Array(repeating: "?", count: names.count).joined(separator: ",")))")
                arguments += names
            }
            if let after {
                clauses.append("name > ?")
                arguments.append(after)
            }
            arguments.append(limit + 1)
            let rows = try Row.fetchAll(db, sql: "SELECT name, document FROM \(kind.table) WHERE \(clauses.joined(separator: " AND ")) ORDER BY name LIMIT ?",
                                        arguments: StatementArguments(arguments))
            let page = rows.prefix(limit).map { StoredResource(name: $0["name"], document: $0["document"]) }
            return ResourcePage(resources: try tagged(db, page) { kind.tagKey($0.name) }, next: rows.count > limit ? page.last?.name : nil)
        }
    }

    /// Job definition revisions matching `query`, by name then revision.
    public func definitions(_ query: DefinitionQuery) throws(DroverError) -> ResourcePage {
        try read { db in
            var clauses = ["1"]
            var arguments: [any DatabaseValueConvertible] = []
            if let revisions = query.revisions {
                let alternatives = revisions.map { $0.revision == nil ? "name = ?" : "(name = ? AND revision = ?)" }
                clauses.append("(\(alternatives.isEmpty ? "0" : alternatives.joined(separator: " OR ")))")
                for item in revisions {
                    arguments.append(item.name)
                    if let revision = item.revision { arguments.append(revision) }
                }
            }
            if let name = query.name {
                clauses.append("name = ?")
                arguments.append(name)
            }
            if let status = query.status {
                clauses.append("status = ?")
                arguments.append(status)
            }
            if let after = query.after, let cut = after.lastIndex(of: ":"), let revision = Int(after[after.index(after: cut)...]) {
                let name = String(after[..<cut])
                clauses.append("(name > ? OR (name = ? AND revision > ?))")
                arguments += [name, name, revision]
            }
            arguments.append(query.limit + 1)
            let rows = try Row.fetchAll(db, sql: """
                SELECT name, revision, status, document FROM job_definition WHERE \(clauses.joined(separator: " AND "))
                ORDER BY name, revision LIMIT ?
                """, arguments: StatementArguments(arguments))
            let page = rows.prefix(query.limit).map {
                StoredResource(name: $0["name"], revision: $0["revision"], status: $0["status"], document: $0["document"])
            }
            return ResourcePage(resources: try tagged(db, page) { "job-definition/\($0.reference)" },
                                next: rows.count > query.limit ? page.last?.reference : nil)
        }
    }

    /// `resources` with their tags, found in the tag table under `key`.
    func tagged(_ db: Database, _ resources: [StoredResource], key: (StoredResource) -> String) throws -> [StoredResource] {
        let tags = try tags(db, resources: resources.map(key))
        return resources.map { resource in
            var resource = resource
            resource.tags = tags[key(resource)] ?? [:]
            return resource
        }
    }
}
