import DroverAPI
import DroverCore
import DroverStore
import Foundation

/// A job with AWS Batch's `JobDetail` field names and Drover's own figures (cost, instances, experiments): what
/// `drover describe` shows as text and `drover run --output json` prints. `drover describe --output json` prints
/// AWS's exact shape instead (``JobDetailShape``).
struct JobDetail: Encodable {
    struct Container: Encodable {
        var command: [String]
        var environment: [KeyValuePair]
        var vcpus: Double
        var memory: Int
        var image: String?
        var exitCode: Int32?
        var reason: String?
        var logStreamName: String?
    }

    struct Attempt: Encodable {
        struct AttemptContainer: Encodable {
            var exitCode: Int32?
            var reason: String?
            var logStreamName: String
            var taskArn: String?
        }
        var container: AttemptContainer
        var startedAt: EpochMillis?
        var stoppedAt: EpochMillis?
        var statusReason: String?
        var computeEnvironment: String?
        var instanceId: String?
        /// The cluster node it ran on (a Slurm environment).
        var host: String?
        /// Slurm's id of it (`ARRAYID_INDEX`).
        var slurmJobId: String?
        var cost: Double?
        var onDemandCost: Double?
        var interruptedBy: String?
    }

    struct ArrayDetail: Encodable {
        var size: Int?
        var index: Int?
        var statusSummary: [String: Int]?
    }

    var jobId: String
    var jobArn: String
    var jobName: String
    var jobQueue: String
    var jobDefinition: String
    var status: String
    var statusReason: String?
    var createdAt: EpochMillis
    var startedAt: EpochMillis?
    var stoppedAt: EpochMillis?
    var computeEnvironment: String?
    var attempts: [Attempt]
    var container: Container
    var arrayProperties: ArrayDetail?
    var dependsOn: [JobDependency]
    var parameters: [String: String]
    var retryStrategy: RetryStrategy?
    var timeout: JobTimeout?
    var tags: [String: String]?
    /// Drover's addition: what the job (its children included) cost on simulated instances.
    var cost: CostSummary?

    static func make(_ record: JobRecord, store: Store, arns: ARNBuilder) throws(DroverError) -> JobDetail {
        let spec = try store.spec(ofJob: record.jobId)
        let attempts = try store.attempts(record.jobId).map { attempt in
            Attempt(container: .init(exitCode: attempt.exitCode, reason: attempt.reason,
                                     logStreamName: store.logPath(ofJob: record.jobId, attempt: attempt.number),
                                     taskArn: attempt.pid.map { "pid/\($0)" }),
                    startedAt: attempt.startedAt, stoppedAt: attempt.stoppedAt, statusReason: attempt.statusReason,
                    computeEnvironment: attempt.computeEnvironment, instanceId: attempt.instanceId, host: attempt.host,
                    slurmJobId: attempt.clusterJob, cost: attempt.cost,
                    onDemandCost: attempt.onDemandCost, interruptedBy: attempt.experiment)
        }
        var array: ArrayDetail?
        if let size = record.arraySize {
            array = ArrayDetail(size: size, statusSummary: ArrayStatus.summary(try store.childSummary(record.jobId).counts))
        } else if let index = record.arrayIndex {
            array = ArrayDetail(size: spec.arraySize, index: index)
        }
        return JobDetail(
            jobId: record.jobId, jobArn: arns.arn(.job, record.jobId), jobName: record.jobName,
            jobQueue: record.jobQueue, jobDefinition: record.jobDefinition, status: record.status.rawValue,
            statusReason: record.statusReason, createdAt: record.createdAt, startedAt: record.startedAt, stoppedAt: record.stoppedAt,
            computeEnvironment: record.computeEnvironment, attempts: attempts,
            container: Container(command: spec.command, environment: spec.environment, vcpus: spec.vcpus, memory: spec.memory,
                                 image: spec.image, exitCode: record.exitCode, reason: record.containerReason,
                                 logStreamName: record.attempts > 0 && record.arraySize == nil ? store.logPath(ofJob: record.jobId, attempt: record.attempts) : nil),
            arrayProperties: array, dependsOn: spec.dependsOn, parameters: spec.parameters,
            retryStrategy: spec.retryStrategy, timeout: spec.attemptDurationSeconds.map { JobTimeout(attemptDurationSeconds: $0) },
            tags: spec.tags, cost: try store.costSummary(ofJob: record.jobId))
    }
}
