import DroverCore
import DroverStore
import Foundation

/// `DescribeJobs`'s request.
struct DescribeJobsRequest: Decodable {
    var jobs: [String]
}

/// `DescribeJobs`'s response.
public struct DescribeJobsResponse: Encodable, Sendable {
    public var jobs: [JobDetailShape]

    /// Creates a response listing `jobs`.
    public init(jobs: [JobDetailShape]) {
        self.jobs = jobs
    }
}

/// `SubmitJob`'s response.
public struct SubmitJobResponse: Encodable, Sendable {
    public var jobArn: String
    public var jobName: String
    public var jobId: String
}

/// `ListJobs`'s request.
struct ListJobsRequest: Decodable {
    struct Filter: Decodable {
        var name: String?
        var values: [String]?
    }
    var jobQueue: String?
    var arrayJobId: String?
    var multiNodeJobId: String?
    var jobStatus: String?
    var maxResults: Int?
    var nextToken: String?
    var filters: [Filter]?
}

/// `ListJobs`'s response.
public struct ListJobsResponse: Encodable, Sendable {
    public var jobSummaryList: [JobSummaryShape]
    public var nextToken: String?
}

/// `CancelJob`'s and `TerminateJob`'s request.
struct StopJobRequest: Decodable {
    var jobId: String
    var reason: String
}

/// `GetJobQueueSnapshot`'s request and response.
struct JobQueueSnapshotRequest: Decodable {
    var jobQueue: String
}

struct JobQueueSnapshotResponse: Encodable {
    struct FrontOfQueue: Encodable {
        struct Job: Encodable {
            var jobArn: String
            var earliestTimeAtPosition: EpochMillis?
        }
        var jobs: [Job]
        var lastUpdatedAt: EpochMillis
    }
    var frontOfQueue: FrontOfQueue
}

extension BatchService {
    /// `SubmitJob`: one job, or an array of `arrayProperties.size` children under one id. Queue, definition and
    /// dependencies may be names or ARNs; a refused request throws an ``APIError`` or the store's ``DroverError``.
    public func submitJob(_ request: SubmitJobRequest) throws -> SubmitJobResponse {
        var request = request
        request.jobQueue = try name(request.jobQueue, .jobQueue, field: "jobQueue")
        request.jobDefinition = try name(request.jobDefinition, .jobDefinition, field: "jobDefinition")
        for (index, dependency) in (request.dependsOn ?? []).enumerated() {
            if dependency.jobName != nil {
                throw APIError.client("dependsOn[\(index)]: give jobId (jobName is for job files)")
            }
            if let id = dependency.jobId {
                request.dependsOn?[index].jobId = try name(id, .job, field: "dependsOn[\(index)].jobId")
            }
        }
        let submitted = try store.submit([request])
        wake()
        guard let job = submitted.first else { throw APIError.server("the job was not stored") }
        return SubmitJobResponse(jobArn: arns.arn(.job, job.jobId), jobName: job.jobName, jobId: job.jobId)
    }

    /// `DescribeJobs`: up to 100 ids or ARNs; ids that name no job are left out, as AWS does.
    public func describeJobs(ids: [String]) throws -> DescribeJobsResponse {
        guard ids.count <= 100 else {
            throw APIError.client("jobs: at most 100 job ids per DescribeJobs request (got \(ids.count))")
        }
        let names = ids.map { id in (try? name(id, .job, field: "jobs")) ?? id }
        let shapes = self.shapes
        return DescribeJobsResponse(jobs: try store.jobViews(names).map(shapes.detail))
    }

    func describeJobs(_ request: DescribeJobsRequest) throws -> DescribeJobsResponse {
        try describeJobs(ids: request.jobs)
    }

    /// `ListJobs`, with AWS's rules: a queue or an array's id; RUNNING unless `jobStatus` says otherwise; one filter
    /// at most, which lists every status, most recent first, 100 at a time.
    func listJobs(_ request: ListJobsRequest) throws -> ListJobsResponse {
        var query = JobListQuery()
        if request.multiNodeJobId != nil {
            throw APIError.client("multiNodeJobId: multi-node parallel jobs are not supported by Drover")
        }
        if let parent = request.arrayJobId {
            let id = try name(parent, .job, field: "arrayJobId")
            guard let record = try store.job(id) else { throw APIError.client("arrayJobId: no job '\(id)'") }
            guard record.arraySize != nil else { throw APIError.client("arrayJobId: job '\(id)' is not an array job") }
            query.arrayJobId = id
        } else if let queue = request.jobQueue {
            let queueName = try name(queue, .jobQueue, field: "jobQueue")
            guard try store.jobQueues().contains(where: { $0.jobQueueName == queueName }) else {
                throw APIError.client("jobQueue: no job queue '\(queueName)'")
            }
            query.queue = queueName
        } else {
            throw APIError.client("ListJobs needs jobQueue or arrayJobId")
        }
        var status: JobStatus? = .running
        if let text = request.jobStatus {
            guard let parsed = JobStatus(rawValue: text) else {
                throw APIError.client("jobStatus: '\(text)' is not one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            status = parsed
        }
        let filters = request.filters ?? []
        guard filters.count <= 1 else { throw APIError.client("filters: only one filter can be used at a time") }
        var pageLimit = 1000
        if let filter = filters.first {
            try apply(filter, to: &query)
            if filter.name != "SHARE_IDENTIFIER" { status = nil }
            query.newestFirst = true
            pageLimit = 100
        }
        query.statuses = status.map { [$0] } ?? []
        query.limit = try Self.pageSize(request.maxResults, limit: pageLimit)
        if let token = request.nextToken {
            guard let position = Int64(try Self.position(token)) else {
                throw APIError.client("nextToken: '\(token)' is not a token this server gave")
            }
            query.after = position
        }
        let page = try store.listJobs(query)
        let shapes = self.shapes
        return ListJobsResponse(jobSummaryList: page.jobs.map(shapes.summary), nextToken: page.next.map { Self.token(String($0)) })
    }

    /// `ListJobs`' response for jobs the caller selected itself (`drover jobs`): their summaries, in order, no `nextToken`.
    public func listJobs(showing records: [JobRecord]) -> ListJobsResponse {
        let shapes = self.shapes
        return ListJobsResponse(jobSummaryList: records.map(shapes.summary))
    }

    func apply(_ filter: ListJobsRequest.Filter, to query: inout JobListQuery) throws {
        let values = filter.values ?? []
        guard let name = filter.name else { throw APIError.client("filters[0].name: give JOB_NAME, JOB_DEFINITION, BEFORE_CREATED_AT or AFTER_CREATED_AT") }
        guard values.count == 1, let value = values.first, !value.isEmpty else {
            throw APIError.client("filters[0].values: give exactly one value for \(name)")
        }
        let prefix = value.hasSuffix("*")
        let stem = prefix ? String(value.dropLast()) : value
        switch name {
        case "JOB_NAME":
            query.name = stem
            query.namePrefix = prefix
        case "JOB_DEFINITION":
            query.definition = try self.name(stem, .jobDefinition, field: "filters[0].values")
            query.definitionPrefix = prefix
        case "BEFORE_CREATED_AT", "AFTER_CREATED_AT":
            guard let millis = EpochMillis(value) else {
                throw APIError.client("filters[0].values: \(name) takes epoch milliseconds, like 1764500000000 (got '\(value)')")
            }
            if name == "BEFORE_CREATED_AT" { query.createdBefore = millis } else { query.createdAfter = millis }
        case "SHARE_IDENTIFIER":
            throw APIError.client("filters[0].name: SHARE_IDENTIFIER is not supported by Drover (fair-share scheduling is not)")
        default:
            throw APIError.client("filters[0].name: '\(name)' is not one of JOB_NAME, JOB_DEFINITION, BEFORE_CREATED_AT, AFTER_CREATED_AT")
        }
    }


    /// `CancelJob`: SUBMITTED, PENDING and RUNNABLE jobs (an array's children too) fail with the reason; others are
    /// left alone, and the call still succeeds.
    func cancelJob(_ request: StopJobRequest) throws -> EmptyResponse {
        _ = try store.cancel(try name(request.jobId, .job, field: "jobId"), reason: request.reason)
        wake()
        return EmptyResponse()
    }

    /// `TerminateJob`: as CancelJob, and STARTING or RUNNING jobs are stopped (SIGTERM, then SIGKILL) and fail.
    func terminateJob(_ request: StopJobRequest) throws -> EmptyResponse {
        _ = try store.terminate(try name(request.jobId, .job, field: "jobId"), reason: request.reason)
        wake()
        return EmptyResponse()
    }

    /// `GetJobQueueSnapshot`: the first 100 RUNNABLE jobs of a queue in the order they will be placed.
    func jobQueueSnapshot(_ request: JobQueueSnapshotRequest) throws -> JobQueueSnapshotResponse {
        let queue = try name(request.jobQueue, .jobQueue, field: "jobQueue")
        guard try store.jobQueues().contains(where: { $0.jobQueueName == queue }) else {
            throw APIError.client("jobQueue: no job queue '\(queue)'")
        }
        let jobs = try store.runnable(queue: queue, limit: 100).map { JobQueueSnapshotResponse.FrontOfQueue.Job(jobArn: arns.arn(.job, $0.id)) }
        return JobQueueSnapshotResponse(frontOfQueue: .init(jobs: jobs, lastUpdatedAt: EpochMillis(Date().timeIntervalSince1970 * 1000)))
    }
}
