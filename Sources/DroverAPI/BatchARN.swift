/// AWS Batch's resource names: `arn:aws:batch:REGION:ACCOUNT:job/ID`, `job-queue/NAME`, `compute-environment/NAME`,
/// `job-definition/NAME:REVISION`, `scheduling-policy/NAME`. Every operation that takes a resource takes its name
/// or its ARN, as AWS does; ``BatchARN/resolve(_:as:)`` turns either into the resource's name.
public struct BatchARN: Equatable, Sendable, CustomStringConvertible {
    /// The kinds of resource, by the word AWS puts before the slash.
    public enum Kind: String, Sendable, CaseIterable {
        case job
        case jobQueue = "job-queue"
        case computeEnvironment = "compute-environment"
        case jobDefinition = "job-definition"
        case schedulingPolicy = "scheduling-policy"
    }

    public var partition = "aws"
    public var region: String
    public var account: String
    public var kind: Kind
    /// The name, job id, or `NAME:REVISION` of a job definition.
    public var resource: String

    public init(region: String, account: String, kind: Kind, resource: String) {
        self.region = region
        self.account = account
        self.kind = kind
        self.resource = resource
    }

    public var description: String { "arn:\(partition):batch:\(region):\(account):\(kind.rawValue)/\(resource)" }

    /// Parses an ARN of AWS Batch; nil when `text` is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, parts[2] == "batch", !parts[3].isEmpty,
            parts[4].count == 12, parts[4].allSatisfy(\.isNumber)
        else { return nil }
        let tail = parts[5].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard tail.count == 2, let kind = Kind(rawValue: tail[0]), !tail[1].isEmpty else { return nil }
        partition = parts[1]
        region = parts[3]
        account = parts[4]
        self.kind = kind
        resource = tail[1]
    }

    /// Why `reference` cannot name a resource of `kind`, or the resource it names: a plain name is taken as it is;
    /// an ARN must be of that kind (a queue's ARN where an environment is expected is refused, naming both).
    public static func resolve(_ reference: String, as kind: Kind) -> Result<String, ARNError> {
        guard reference.hasPrefix("arn:") else {
            return reference.isEmpty ? .failure(ARNError("an empty \(kind.label) name")) : .success(reference)
        }
        guard let arn = BatchARN(reference) else {
            return .failure(ARNError("'\(reference)' is not an AWS Batch ARN (arn:aws:batch:REGION:ACCOUNT:\(kind.rawValue)/NAME)"))
        }
        guard arn.kind == kind else {
            return .failure(ARNError("'\(reference)' is the ARN of a \(arn.kind.label), not of a \(kind.label)"))
        }
        return .success(arn.resource)
    }
}

extension BatchARN.Kind {
    /// The kind in words, for messages.
    public var label: String {
        switch self {
        case .job: "job"
        case .jobQueue: "job queue"
        case .computeEnvironment: "compute environment"
        case .jobDefinition: "job definition"
        case .schedulingPolicy: "scheduling policy"
        }
    }
}

/// Why a resource reference was refused (sent as a `ClientException`).
public struct ARNError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
