import DroverCore
import DroverStore

/// `RegisterJobDefinition`'s response.
struct RegisterJobDefinitionResponse: Encodable {
    var jobDefinitionName: String
    var jobDefinitionArn: String
    var revision: Int
}

/// `DeregisterJobDefinition`'s request.
struct DeregisterJobDefinitionRequest: Decodable {
    var jobDefinition: String
}

/// `DescribeJobDefinitions`'s request.
struct DescribeJobDefinitionsRequest: Decodable {
    var jobDefinitions: [String]?
    var maxResults: Int?
    var jobDefinitionName: String?
    var status: String?
    var nextToken: String?
}

/// `DescribeJobDefinitions`'s response.
struct DescribeJobDefinitionsResponse: Encodable {
    var jobDefinitions: [JSONValue]
    var nextToken: String?
}

extension BatchService {
    /// `RegisterJobDefinition`: a new revision every time, as AWS does (`drover apply` reuses an unchanged one).
    /// Fields with no local effect (secrets, volumes, user...) are kept and shown.
    func registerJobDefinition(_ request: JSONValue) throws -> RegisterJobDefinitionResponse {
        let item = try request.located(JobDefinition.self, operation: "RegisterJobDefinition", validate: Validator.validate)
        let revision = try store.registerJobDefinition(item)
        let name = item.value.jobDefinitionName
        return RegisterJobDefinitionResponse(jobDefinitionName: name, jobDefinitionArn: arns.arn(.jobDefinition, "\(name):\(revision)"), revision: revision)
    }

    /// `DeregisterJobDefinition`: one revision (`name:revision` or its ARN; a bare name is refused, as AWS refuses
    /// it) becomes INACTIVE: shown, never run again.
    func deregisterJobDefinition(_ request: DeregisterJobDefinitionRequest) throws -> EmptyResponse {
        let reference = try name(request.jobDefinition, .jobDefinition, field: "jobDefinition")
        guard let (name, revision) = Self.revision(reference), let revision else {
            throw APIError.client("jobDefinition: '\(request.jobDefinition)' names no revision: give name:revision or the ARN of one revision")
        }
        try store.deregisterJobDefinition(name, revision: revision)
        return EmptyResponse()
    }

    /// `DescribeJobDefinitions`: the revisions named (`name:revision` or ARNs; a bare name stands for all its
    /// revisions), or those of `jobDefinitionName` and `status` (ACTIVE or INACTIVE), or all; by name, then revision.
    func describeJobDefinitions(_ request: DescribeJobDefinitionsRequest) throws -> DescribeJobDefinitionsResponse {
        var query = DefinitionQuery(limit: try Self.pageSize(request.maxResults, limit: 100))
        if let references = try names(request.jobDefinitions, .jobDefinition, field: "jobDefinitions") {
            guard request.jobDefinitionName == nil, request.status == nil else {
                throw APIError.client("jobDefinitions cannot be combined with jobDefinitionName or status: give one or the other")
            }
            query.revisions = try references.map { reference throws(APIError) in
                guard let revision = Self.revision(reference) else {
                    throw APIError.client("jobDefinitions: '\(reference)' is not name:revision (the revision is a number)")
                }
                return revision
            }
        }
        if let name = request.jobDefinitionName {
            query.name = try self.name(name, .jobDefinition, field: "jobDefinitionName")
        }
        if let status = request.status {
            guard ["ACTIVE", "INACTIVE"].contains(status) else {
                throw APIError.client("status: must be ACTIVE or INACTIVE (got '\(status)')")
            }
            query.status = status
        }
        query.after = try request.nextToken.map(Self.position)
        let page = try store.definitions(query)
        let shapes = ResourceShapes(arns: arns)
        return DescribeJobDefinitionsResponse(jobDefinitions: try page.resources.map(shapes.jobDefinition), nextToken: page.next.map(Self.token))
    }

    /// `name:revision` as its parts, `name` alone with no revision; nil when what follows the colon is no number.
    static func revision(_ reference: String) -> (name: String, revision: Int?)? {
        guard let colon = reference.lastIndex(of: ":") else { return (reference, nil) }
        guard let revision = Int(reference[reference.index(after: colon)...]), revision >= 1 else { return nil }
        return (String(reference[..<colon]), revision)
    }
}
