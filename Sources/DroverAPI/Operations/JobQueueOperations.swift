import DroverCore
import DroverStore

/// `CreateJobQueue`'s and `UpdateJobQueue`'s response.
struct JobQueueResponse: Encodable {
    var jobQueueName: String
    var jobQueueArn: String
}

/// `DeleteJobQueue`'s request.
struct DeleteJobQueueRequest: Decodable {
    var jobQueue: String
}

/// `DescribeJobQueues`'s request.
struct DescribeJobQueuesRequest: Decodable {
    var jobQueues: [String]?
    var maxResults: Int?
    var nextToken: String?
}

/// `DescribeJobQueues`'s response.
struct DescribeJobQueuesResponse: Encodable {
    var jobQueues: [JSONValue]
    var nextToken: String?
}

extension BatchService {
    /// `CreateJobQueue`: `state` is ENABLED unless given (as on AWS); every environment of `computeEnvironmentOrder`
    /// (names or ARNs) and the scheduling policy must exist. The policy is kept and shown: queues run first in,
    /// first out. `jobStateTimeLimitActions` act as on AWS (``Store/applyTimeLimitActions(now:)``).
    func createJobQueue(_ request: JSONValue) throws -> JobQueueResponse {
        let item = try request.located(JobQueue.self, operation: "CreateJobQueue", validate: Validator.validate)
        try checkReferences(of: item.value, operation: "CreateJobQueue")
        try store.createJobQueue(item)
        wake()
        return jobQueueResponse(item.value.jobQueueName)
    }

    /// `UpdateJobQueue`: only the members given change (`state`, `priority`, `computeEnvironmentOrder`,
    /// `schedulingPolicyArn`, `jobStateTimeLimitActions`).
    func updateJobQueue(_ request: JSONValue) throws -> JobQueueResponse {
        let update = ResourceUpdate(.jobQueue, request: request)
        let name = try name(update.reference ?? "", .jobQueue, field: "jobQueue")
        try store.updateJobQueue(name) { current throws(DroverError) in
            let item = try update.applied(to: current.json, name: name).located(JobQueue.self, operation: "UpdateJobQueue", validate: Validator.validate)
            try checkReferences(of: item.value, operation: "UpdateJobQueue")
            return item
        }
        wake()
        return jobQueueResponse(name)
    }

    func jobQueueResponse(_ name: String) -> JobQueueResponse {
        JobQueueResponse(jobQueueName: name, jobQueueArn: arns.arn(.jobQueue, name))
    }

    /// References in a queue must be names or ARNs of the right kind (a queue's ARN is no environment).
    func checkReferences(of queue: JobQueue, operation: String) throws(DroverError) {
        var references = (queue.computeEnvironmentOrder ?? []).enumerated().map {
            ("computeEnvironmentOrder[\($0.offset)].computeEnvironment", $0.element.computeEnvironment, BatchARN.Kind.computeEnvironment)
        }
        if let policy = queue.schedulingPolicyArn { references.append(("schedulingPolicyArn", policy, .schedulingPolicy)) }
        for (field, reference, kind) in references {
            if case .failure(let problem) = arns.resolve(reference, as: kind) { throw DroverError("\(operation): \(field): \(problem)") }
        }
    }

    /// `DeleteJobQueue`: a DISABLED queue; its unfinished jobs are terminated first, as AWS does (those not started
    /// fail at once, running ones are stopped), with a reason that names the queue.
    func deleteJobQueue(_ request: DeleteJobQueueRequest) throws -> EmptyResponse {
        let name = try name(request.jobQueue, .jobQueue, field: "jobQueue")
        try store.deleteJobQueue(name, reason: "Terminated: job queue \(name) was deleted")
        wake()
        return EmptyResponse()
    }

    /// `DescribeJobQueues`: the queues named (names or ARNs; unknown ones are left out), or all, by name.
    func describeJobQueues(_ request: DescribeJobQueuesRequest) throws -> DescribeJobQueuesResponse {
        let page = try store.resources(
            .jobQueue, names: try names(request.jobQueues, .jobQueue, field: "jobQueues"),
            after: try request.nextToken.map(Self.position), limit: try Self.pageSize(request.maxResults, limit: 100))
        let shapes = ResourceShapes(arns: arns)
        return DescribeJobQueuesResponse(jobQueues: try page.resources.map(shapes.jobQueue), nextToken: page.next.map(Self.token))
    }
}
