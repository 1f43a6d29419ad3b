import DroverCore
import Foundation
import GRDB

extension Store {
    /// `CreateComputeEnvironment`: stores the environment `item` declares (its document kept as given, its tags in
    /// the tag table). An existing name is refused; nothing else changes then.
    public func createComputeEnvironment(_ item: Located<ComputeEnvironment>) throws(DroverError) {
        try write { db in
            try refuseExisting(db, .computeEnvironment, item.value.computeEnvironmentName, update: "UpdateComputeEnvironment")
            _ = try put(db, environment: item, now: nowMillis())
            try capacityChanged(db)
        }
    }

    /// `CreateJobQueue`: stores the queue `item` declares. Refused when the name exists, when an environment of its
    /// `computeEnvironmentOrder` or its scheduling policy does not.
    public func createJobQueue(_ item: Located<JobQueue>) throws(DroverError) {
        try write { db in
            try refuseExisting(db, .jobQueue, item.value.jobQueueName, update: "UpdateJobQueue")
            try checkReferences(db, of: item.value)
            _ = try put(db, queue: item, now: nowMillis())
            try capacityChanged(db)
        }
    }

    /// `RegisterJobDefinition`: adds a revision (one more than the name's highest, even when the content is the
    /// same, as AWS does) and returns its number.
    public func registerJobDefinition(_ item: Located<JobDefinition>) throws(DroverError) -> Int {
        try write { db in try register(db, definition: item, reusingUnchanged: false, now: nowMillis()).revision }
    }

    /// `CreateSchedulingPolicy`: stores the policy (kept and shown; Drover does not enforce fair share). An existing
    /// name is refused.
    public func createSchedulingPolicy(_ item: Located<SchedulingPolicy>) throws(DroverError) {
        try write { db in
            let name = item.value.name
            try refuseExisting(db, .schedulingPolicy, name, update: "UpdateSchedulingPolicy")
            let now = nowMillis()
            try db.execute(sql: "INSERT INTO scheduling_policy VALUES (?, ?, ?, ?)", arguments: [name, item.document, now, now])
            try putTags(db, .schedulingPolicy, name, item.value.tags, replacing: nil)
        }
    }

    /// The document of a resource of `kind`, nil when there is none by that name.
    func document(_ db: Database, _ kind: NamedResource, _ name: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT document FROM \(kind.table) WHERE name = ?", arguments: [name])
    }

    /// The document of a resource of `kind` that must exist.
    func existingDocument(_ db: Database, _ kind: NamedResource, _ name: String) throws -> String {
        guard let document = try document(db, kind, name) else {
            throw DroverError("\(kind.label) '\(name)' does not exist")
        }
        return document
    }

    func refuseExisting(_ db: Database, _ kind: NamedResource, _ name: String, update: String) throws {
        if try document(db, kind, name) != nil {
            throw DroverError("Object already exists: a \(kind.label) named '\(name)' exists; choose another name, or change it with \(update)")
        }
    }

    /// AWS's rules on what a queue names: every environment of its `computeEnvironmentOrder`, and its scheduling
    /// policy, must exist.
    func checkReferences(_ db: Database, of queue: JobQueue) throws {
        if let missing = try missingEnvironments(db, of: queue).first {
            throw DroverError("computeEnvironmentOrder: compute environment '\(missing)' does not exist; create it first (CreateComputeEnvironment)")
        }
        if let arn = queue.schedulingPolicyArn, try document(db, .schedulingPolicy, ResourceName.fromArn(arn)) == nil {
            throw DroverError("schedulingPolicyArn: scheduling policy '\(ResourceName.fromArn(arn))' does not exist; create it first (CreateSchedulingPolicy)")
        }
    }

    /// Decodes a stored document.
    func decode<Value: Decodable>(_ type: Value.Type, _ document: String) throws -> Value {
        try JSONDecoder().decode(Value.self, from: Data(document.utf8))
    }
}
