/// A partial update of a stored job queue or compute environment, as AWS's `UpdateJobQueue` and
/// `UpdateComputeEnvironment` take it (and `aws batch update-job-queue --cli-input-json` reads it from a file): the
/// resource is named by `jobQueue` / `computeEnvironment` (a name or an ARN), and only the members given change.
///
/// The API's operations and `drover apply` both apply updates through ``applied(to:name:)``: one rule for what an
/// update changes.
public struct ResourceUpdate: Sendable, Equatable {
    /// What is updated; the raw value is the request member that names it.
    public enum Kind: String, Sendable, CaseIterable {
        case jobQueue
        case computeEnvironment

        /// The operation, as AWS names it.
        public var operation: String {
            switch self {
            case .jobQueue: "UpdateJobQueue"
            case .computeEnvironment: "UpdateComputeEnvironment"
            }
        }

        /// The resource in words, for messages.
        public var label: String {
            switch self {
            case .jobQueue: "job queue"
            case .computeEnvironment: "compute environment"
            }
        }

        /// Members put in place of the stored ones, whole, when given.
        var replaced: [String] {
            switch self {
            case .jobQueue: ["state", "priority", "computeEnvironmentOrder", "schedulingPolicyArn", "jobStateTimeLimitActions"]
            case .computeEnvironment: ["state", "unmanagedvCpus", "serviceRole", "context"]
            }
        }

        /// Objects whose members are put in place of the stored ones member by member.
        var merged: [String] {
            switch self {
            case .jobQueue: []
            case .computeEnvironment: ["computeResources", "updatePolicy"]
            }
        }

        /// Every member a request may hold: the name, then what it may change.
        public var members: [String] { [rawValue] + replaced + merged }
    }

    /// What is updated.
    public var kind: Kind
    /// The request as given (its members are JSON as AWS's model types them).
    public var request: JSONValue

    /// Creates an update of `kind` from a request.
    public init(_ kind: Kind, request: JSONValue) {
        self.kind = kind
        self.request = request
    }

    /// The name or ARN the request gives; nil when the member is missing or not text.
    public var reference: String? { request[kind.rawValue]?.string }

    /// The members the request changes, in the order ``Kind/members`` lists them.
    public var changedMembers: [String] {
        kind.members.dropFirst().filter { request[$0] != nil }
    }

    /// The update over an otherwise empty resource: decoding it as the resource's type checks the types of the members
    /// given, each at the same path as in the request.
    public var probe: JSONValue {
        let empty: JSONValue = switch kind {
        case .jobQueue: .object(["jobQueueName": .string("")])
        case .computeEnvironment: .object(["computeEnvironmentName": .string(""), "computeResources": .object([:])])
        }
        return (try? applied(to: empty, name: "")) ?? empty
    }

    /// `VERB job queue NAME (state, priority)`: what an update did, naming the members it gave.
    public func summary(_ verb: String, name: String) -> String {
        "\(verb) \(kind.label) \(name)" + (changedMembers.isEmpty ? "" : " (\(changedMembers.joined(separator: ", ")))")
    }

    /// What is wrong with the request as a whole, before any stored resource is looked at: a missing name, or a
    /// member an update cannot hold (each problem names it).
    public var problems: [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if (reference ?? "").isEmpty {
            issues.append(ValidationIssue(field: kind.rawValue, message: "must name the \(kind.label) to update (its name or ARN)"))
        }
        let known = Set(kind.members)
        for name in (request.object ?? [:]).keys.sorted() where !known.contains(name) {
            issues.append(ValidationIssue(field: name, message: "\(kind.operation) has no member '\(name)'; expected one of \(kind.members.joined(separator: ", "))"))
        }
        return issues
    }

    /// The stored document `current` of the resource `name` with this update's members put in place; a
    /// `computeResources` change of an UNMANAGED environment (which has none) is refused.
    public func applied(to current: JSONValue, name: String) throws(DroverError) -> JSONValue {
        var document = current.replacing(kind.replaced, from: request)
        for member in kind.merged {
            guard let changes = request[member] else { continue }
            if member == "computeResources" {
                guard let resources = document[member] else {
                    throw DroverError("\(kind.operation): computeResources: compute environment '\(name)' is UNMANAGED and has none")
                }
                // An action (use the latest AMI) with nothing to do here, not a setting to keep.
                document[member] = resources.merging(changes, ignoring: ["updateToLatestImageVersion"])
            } else {
                document[member] = (document[member] ?? .object([:])).merging(changes)
            }
        }
        return document
    }

    /// ``applied(to:name:)`` over a stored resource, decoded and checked by `validate`: the resource as the update
    /// leaves it, located at `location`; every problem found is in the error.
    public func applied<Value: Decodable & Sendable>(
        to current: Located<Value>, name: String, location: String, validate: (Value) -> [ValidationIssue]
    ) throws(DroverError) -> Located<Value> {
        let document = try applied(to: try JSONValue.parse(document: current.document), name: name)
        let value: Value
        do throws(DroverError) {
            value = try document.decode(Value.self)
        } catch {
            throw DroverError("\(kind.operation): \(error.message)")
        }
        let issues = validate(value)
        guard issues.isEmpty else { throw DroverError("\(kind.operation): \(issues.map(\.description).joined(separator: "; "))") }
        return Located(value: value, location: location, document: document.document)
    }
}
