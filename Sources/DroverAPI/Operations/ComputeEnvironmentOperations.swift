import DroverCore
import DroverStore

/// `CreateComputeEnvironment`'s and `UpdateComputeEnvironment`'s response.
struct ComputeEnvironmentResponse: Encodable {
    var computeEnvironmentName: String
    var computeEnvironmentArn: String
}

/// `DeleteComputeEnvironment`'s request.
struct DeleteComputeEnvironmentRequest: Decodable {
    var computeEnvironment: String
}

/// `DescribeComputeEnvironments`'s request.
struct DescribeComputeEnvironmentsRequest: Decodable {
    var computeEnvironments: [String]?
    var maxResults: Int?
    var nextToken: String?
}

/// `DescribeComputeEnvironments`'s response.
struct DescribeComputeEnvironmentsResponse: Encodable {
    var computeEnvironments: [JSONValue]
    var nextToken: String?
}

extension BatchService {
    /// `CreateComputeEnvironment`: AWS's rules (a `type`; a MANAGED environment has `computeResources` with its
    /// `type`, `maxvCpus` and `subnets`) and Drover's (``Validator``). Every kind runs as local capacity; EC2 and SPOT
    /// with `instanceTypes` as simulated instances. The request is kept whole, Drover's `simulation` included.
    func createComputeEnvironment(_ request: JSONValue) throws -> ComputeEnvironmentResponse {
        let item = try request.located(ComputeEnvironment.self, operation: "CreateComputeEnvironment", validate: Validator.validate)
        try store.createComputeEnvironment(item)
        wake()
        return computeEnvironmentResponse(item.value.computeEnvironmentName)
    }

    /// `UpdateComputeEnvironment`: only the members given change; `computeResources` and `updatePolicy` member by
    /// member. `updateToLatestImageVersion` is an action with nothing to do here.
    func updateComputeEnvironment(_ request: JSONValue) throws -> ComputeEnvironmentResponse {
        let update = ResourceUpdate(.computeEnvironment, request: request)
        let name = try name(update.reference ?? "", .computeEnvironment, field: "computeEnvironment")
        try store.updateComputeEnvironment(name) { current throws(DroverError) in
            try update.applied(to: current.json, name: name).located(ComputeEnvironment.self, operation: "UpdateComputeEnvironment", validate: Validator.validate)
        }
        wake()
        return computeEnvironmentResponse(name)
    }

    func computeEnvironmentResponse(_ name: String) -> ComputeEnvironmentResponse {
        ComputeEnvironmentResponse(computeEnvironmentName: name, computeEnvironmentArn: arns.arn(.computeEnvironment, name))
    }

    /// `DeleteComputeEnvironment`: a DISABLED environment that no queue names and nothing runs on.
    func deleteComputeEnvironment(_ request: DeleteComputeEnvironmentRequest) throws -> EmptyResponse {
        try store.deleteComputeEnvironment(try name(request.computeEnvironment, .computeEnvironment, field: "computeEnvironment"))
        wake()
        return EmptyResponse()
    }

    /// `DescribeComputeEnvironments`: the environments named (names or ARNs; unknown ones are left out, as AWS
    /// does), or all, by name, 100 a page unless `maxResults` says fewer.
    func describeComputeEnvironments(_ request: DescribeComputeEnvironmentsRequest) throws -> DescribeComputeEnvironmentsResponse {
        let page = try store.resources(
            .computeEnvironment, names: try names(request.computeEnvironments, .computeEnvironment, field: "computeEnvironments"),
            after: try request.nextToken.map(Self.position), limit: try Self.pageSize(request.maxResults, limit: 100))
        let shapes = ResourceShapes(arns: arns)
        return DescribeComputeEnvironmentsResponse(computeEnvironments: try page.resources.map(shapes.computeEnvironment),
                                                   nextToken: page.next.map(Self.token))
    }
}
