import DroverCore
import DroverStore

/// `CreateSchedulingPolicy`'s response.
struct CreateSchedulingPolicyResponse: Encodable {
    var name: String
    var arn: String
}

/// `DeleteSchedulingPolicy`'s request.
struct DeleteSchedulingPolicyRequest: Decodable {
    var arn: String
}

/// `DescribeSchedulingPolicies`'s request.
struct DescribeSchedulingPoliciesRequest: Decodable {
    var arns: [String]
}

/// `DescribeSchedulingPolicies`'s response.
struct DescribeSchedulingPoliciesResponse: Encodable {
    var schedulingPolicies: [JSONValue]
}

/// `ListSchedulingPolicies`'s request.
struct ListSchedulingPoliciesRequest: Decodable {
    var maxResults: Int?
    var nextToken: String?
}

/// `ListSchedulingPolicies`'s response.
struct ListSchedulingPoliciesResponse: Encodable {
    struct Listing: Encodable {
        var arn: String
    }
    var schedulingPolicies: [Listing]
    var nextToken: String?
}

/// Scheduling policies are kept and shown, not enforced: Drover runs every queue first in, first out, whatever its
/// `schedulingPolicyArn` (fair share, its share decay, compute reservation and weights have no effect).
extension BatchService {
    /// `CreateSchedulingPolicy`: stores the policy (not enforced).
    func createSchedulingPolicy(_ request: JSONValue) throws -> CreateSchedulingPolicyResponse {
        let item = try request.located(SchedulingPolicy.self, operation: "CreateSchedulingPolicy", validate: Validator.validate)
        try store.createSchedulingPolicy(item)
        return CreateSchedulingPolicyResponse(name: item.value.name, arn: arns.arn(.schedulingPolicy, item.value.name))
    }

    /// `UpdateSchedulingPolicy`: `fairsharePolicy` and `quotaSharePolicy` are replaced when given.
    func updateSchedulingPolicy(_ request: JSONValue) throws -> EmptyResponse {
        let name = try name(request["arn"]?.string ?? "", .schedulingPolicy, field: "arn")
        try store.updateSchedulingPolicy(name) { current throws(DroverError) in
            try current.json.replacing(["fairsharePolicy", "quotaSharePolicy"], from: request)
                .located(SchedulingPolicy.self, operation: "UpdateSchedulingPolicy", validate: Validator.validate)
        }
        return EmptyResponse()
    }

    /// `DeleteSchedulingPolicy`: refused while a job queue uses the policy.
    func deleteSchedulingPolicy(_ request: DeleteSchedulingPolicyRequest) throws -> EmptyResponse {
        try store.deleteSchedulingPolicy(try name(request.arn, .schedulingPolicy, field: "arn"))
        return EmptyResponse()
    }

    /// `DescribeSchedulingPolicies`: the policies named by ARN (or name); unknown ones are left out.
    func describeSchedulingPolicies(_ request: DescribeSchedulingPoliciesRequest) throws -> DescribeSchedulingPoliciesResponse {
        let names = try names(request.arns, .schedulingPolicy, field: "arns") ?? []
        let page = try store.resources(.schedulingPolicy, names: names, limit: max(names.count, 1))
        let shapes = ResourceShapes(arns: arns)
        return DescribeSchedulingPoliciesResponse(schedulingPolicies: try page.resources.map(shapes.schedulingPolicy))
    }

    /// `ListSchedulingPolicies`: every policy's ARN, by name.
    func listSchedulingPolicies(_ request: ListSchedulingPoliciesRequest) throws -> ListSchedulingPoliciesResponse {
        let page = try store.resources(.schedulingPolicy, after: try request.nextToken.map(Self.position),
                                       limit: try Self.pageSize(request.maxResults, limit: 100))
        return ListSchedulingPoliciesResponse(schedulingPolicies: page.resources.map { .init(arn: arns.arn(.schedulingPolicy, $0.name)) },
                                              nextToken: page.next.map(Self.token))
    }
}
