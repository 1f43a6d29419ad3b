import DroverCore
import DroverStore
import Foundation
import ModelValidatorSupport
import Testing

@testable import DroverAPI

/// The resource operations of AWS Batch's API with AWS's semantics, in-process over real stores: compute
/// environments, job queues, job definitions and scheduling policies are created, described, updated partially,
/// disabled and deleted as on AWS; bad requests are refused naming the member and change nothing; every response and
/// error body passes the strict check against botocore's model.
@Suite struct ResourceOperationTests {
    static let spot = #"""
        {"computeEnvironmentName": "spot", "type": "MANAGED", "serviceRole": "arn:aws:iam::000000000000:role/batch",
         "computeResources": {"type": "SPOT", "maxvCpus": 8, "minvCpus": 0, "instanceTypes": ["c5.large"],
                              "subnets": ["subnet-1"], "securityGroupIds": ["sg-1"], "bidPercentage": 60},
         "simulation": {"interruptions": {"band": "<5%"}}, "tags": {"team": "imaging"}}
        """#
    static let local = #"{"computeEnvironmentName": "local", "type": "UNMANAGED"}"#
    static let queue = #"{"jobQueueName": "high", "priority": 10, "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "spot"}]}"#
    static let definition = #"""
        {"jobDefinitionName": "thumbs", "type": "container", "parameters": {"size": "320"},
         "containerProperties": {"image": "busybox", "command": ["echo", "Ref::size"], "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "256"}],
                                 "secrets": [{"name": "TOKEN", "valueFrom": "arn:aws:ssm:us-east-1:000000000000:parameter/token"}],
                                 "volumes": [{"name": "data", "host": {"sourcePath": "/data"}}], "mountPoints": [{"sourceVolume": "data", "containerPath": "/data"}],
                                 "user": "nobody", "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 4096}]},
         "retryStrategy": {"attempts": 2, "evaluateOnExit": [{"onExitCode": "137", "action": "retry", "onSignal": "SIGKILL"}], "maxInterruptions": 3},
         "timeout": {"attemptDurationSeconds": 60}, "propagateTags": true, "platformCapabilities": ["EC2"], "tags": {"stage": "test"}}
        """#

    // MARK: - Compute environments

    @Test func computeEnvironmentsAreCreatedDescribedUpdatedAndDeletedAsOnAWS() throws {
        let api = try ResourceHarness()
        let created = try api.ok("CreateComputeEnvironment", Self.spot)
        #expect(created == .object(["computeEnvironmentName": .string("spot"), "computeEnvironmentArn": .string(ARN.of(.computeEnvironment, "spot"))]))
        try api.ok("CreateComputeEnvironment", Self.local)
        #expect(api.refused("CreateComputeEnvironment", Self.local).contains("Object already exists: a compute environment named 'local' exists"))

        let described = try api.ok("DescribeComputeEnvironments", #"{"computeEnvironments": ["spot", "\#(ARN.of(.computeEnvironment, "local"))", "nowhere"]}"#)
        let environments = described["computeEnvironments"]?.array ?? []
        #expect(environments.map { $0["computeEnvironmentName"]?.string } == ["local", "spot"])
        let spot = environments[1]
        #expect(Set(spot.object?.keys.map { $0 } ?? []) == ["computeEnvironmentName", "computeEnvironmentArn", "type", "state", "status",
                                                             "statusReason", "computeResources", "serviceRole", "tags"])
        #expect(spot["status"] == .string("VALID") && spot["state"] == .string("ENABLED") && spot["type"] == .string("MANAGED"))
        #expect(spot["computeResources"]?["instanceTypes"] == .array([.string("c5.large")]))
        #expect(spot["computeResources"]?["bidPercentage"] == .integer(60))
        #expect(spot["tags"] == .object(["team": .string("imaging")]))
        #expect(environments[0]["type"] == .string("UNMANAGED") && environments[0]["computeResources"] == nil)
        // Drover's extension is kept in the store, for the engine, not shown.
        #expect(try api.store.computeEnvironments().first { $0.computeEnvironmentName == "spot" }?.simulation?.interruptions?.band == "<5%")
        #expect(try api.tags(ARN.of(.computeEnvironment, "spot")) == .object(["team": .string("imaging")]))

        // Partial update, by ARN: only maxvCpus changes (tags removed meanwhile stay removed).
        _ = api.service.tags(method: "DELETE", resourceArn: ARN.of(.computeEnvironment, "spot"), query: "tagKeys=team", body: Data())
        try api.ok("UpdateComputeEnvironment", #"{"computeEnvironment": "\#(ARN.of(.computeEnvironment, "spot"))", "computeResources": {"maxvCpus": 16}}"#)
        #expect(try api.store.tags(of: "compute-environment/spot").isEmpty)
        let updated = try api.ok("DescribeComputeEnvironments", #"{"computeEnvironments": ["spot"]}"#)["computeEnvironments"]?.array?.first
        #expect(updated?["computeResources"]?["maxvCpus"] == .integer(16))
        #expect(updated?["computeResources"]?["instanceTypes"] == .array([.string("c5.large")]) && updated?["state"] == .string("ENABLED"))
        #expect(try api.store.computeEnvironments().first { $0.computeEnvironmentName == "spot" }?.simulation != nil)

        // Lifecycle: ENABLED environments and environments a queue names are not deleted.
        try api.ok("CreateJobQueue", Self.queue)
        #expect(api.refused("DeleteComputeEnvironment", #"{"computeEnvironment": "spot"}"#).contains("disable it first"))
        try api.ok("UpdateComputeEnvironment", #"{"computeEnvironment": "spot", "state": "DISABLED"}"#)
        #expect(try api.store.computeEnvironments().first { $0.computeEnvironmentName == "spot" }?.isEnabled == false)
        #expect(api.refused("DeleteComputeEnvironment", #"{"computeEnvironment": "spot"}"#).contains("computeEnvironmentOrder of job queue 'high'"))
        try api.ok("UpdateJobQueue", #"{"jobQueue": "high", "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "local"}]}"#)
        try api.ok("DeleteComputeEnvironment", #"{"computeEnvironment": "\#(ARN.of(.computeEnvironment, "spot"))"}"#)
        #expect(try api.store.computeEnvironments().map(\.computeEnvironmentName) == ["local"])
        #expect(try api.store.tags(of: "compute-environment/spot").isEmpty)
        #expect(api.refused("DeleteComputeEnvironment", #"{"computeEnvironment": "spot"}"#).contains("compute environment 'spot' does not exist"))
        try api.checkBodies()
    }

    @Test func computeEnvironmentsComeInPages() throws {
        let api = try ResourceHarness()
        for name in ["a", "b", "c"] {
            try api.ok("CreateComputeEnvironment", #"{"computeEnvironmentName": "\#(name)", "type": "MANAGED", "computeResources": {"type": "FARGATE", "maxvCpus": 4, "subnets": []}}"#)
        }
        let first = try api.ok("DescribeComputeEnvironments", #"{"maxResults": 2}"#)
        #expect(first["computeEnvironments"]?.array?.compactMap { $0["computeEnvironmentName"]?.string } == ["a", "b"])
        let token = try #require(first["nextToken"]?.string)
        let second = try api.ok("DescribeComputeEnvironments", #"{"maxResults": 2, "nextToken": "\#(token)"}"#)
        #expect(second["computeEnvironments"]?.array?.compactMap { $0["computeEnvironmentName"]?.string } == ["c"])
        #expect(second["nextToken"] == nil)
        #expect(api.refused("DescribeComputeEnvironments", #"{"nextToken": "bogus"}"#).contains("nextToken"))
        try api.checkBodies()
    }

    // MARK: - Job queues

    @Test func jobQueuesDefaultToEnabledAndUpdateOnlyWhatIsGiven() throws {
        let api = try ResourceHarness()
        try api.ok("CreateComputeEnvironment", Self.spot)
        try api.ok("CreateComputeEnvironment", Self.local)
        let created = try api.ok("CreateJobQueue", #"""
            {"jobQueueName": "high", "priority": 10, "tags": {"tier": "gold"},
             "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "\#(ARN.of(.computeEnvironment, "spot"))"}, {"order": 2, "computeEnvironment": "local"}]}
            """#)
        #expect(created["jobQueueArn"] == .string(ARN.of(.jobQueue, "high")))
        var high = try #require(try api.ok("DescribeJobQueues", #"{"jobQueues": ["\#(ARN.of(.jobQueue, "high"))"]}"#)["jobQueues"]?.array?.first)
        #expect(high["state"] == .string("ENABLED") && high["status"] == .string("VALID") && high["priority"] == .integer(10))
        #expect(high["computeEnvironmentOrder"]?.array?.compactMap { $0["computeEnvironment"]?.string }
            == [ARN.of(.computeEnvironment, "spot"), ARN.of(.computeEnvironment, "local")])
        #expect(high["tags"] == .object(["tier": .string("gold")]))

        try api.ok("UpdateJobQueue", #"{"jobQueue": "high", "priority": 50}"#)
        high = try #require(try api.ok("DescribeJobQueues", #"{"jobQueues": ["high"]}"#)["jobQueues"]?.array?.first)
        #expect(high["priority"] == .integer(50) && high["state"] == .string("ENABLED") && high["computeEnvironmentOrder"]?.array?.count == 2)
        try api.ok("UpdateJobQueue", #"""
            {"jobQueue": "high", "state": "DISABLED",
             "jobStateTimeLimitActions": [{"reason": "stuck", "state": "RUNNABLE", "maxTimeSeconds": 600, "action": "CANCEL"}]}
            """#)
        high = try #require(try api.ok("DescribeJobQueues", #"{}"#)["jobQueues"]?.array?.first)
        #expect(high["priority"] == .integer(50) && high["state"] == .string("DISABLED"))
        #expect(high["jobStateTimeLimitActions"]?.array?.first?["maxTimeSeconds"] == .integer(600))
        #expect(try api.store.routes().first?.enabled == false)
        try api.checkBodies()
    }

    @Test func deletingAQueueTerminatesItsUnfinishedJobs() throws {
        let api = try ResourceHarness()
        try api.ok("CreateComputeEnvironment", Self.spot)
        try api.ok("CreateJobQueue", Self.queue)
        try api.ok("RegisterJobDefinition", Self.definition)
        let single = try api.ok("SubmitJob", #"{"jobName": "one", "jobQueue": "high", "jobDefinition": "thumbs"}"#)["jobId"]?.string ?? ""
        let array = try api.ok("SubmitJob", #"{"jobName": "many", "jobQueue": "high", "jobDefinition": "thumbs", "arrayProperties": {"size": 3}}"#)["jobId"]?.string ?? ""
        #expect(api.refused("DeleteJobQueue", #"{"jobQueue": "high"}"#).contains("disable it first"))
        #expect(try api.store.job(single)?.status == .runnable)
        try api.ok("UpdateJobQueue", #"{"jobQueue": "high", "state": "DISABLED"}"#)
        try api.ok("DeleteJobQueue", #"{"jobQueue": "\#(ARN.of(.jobQueue, "high"))"}"#)
        for id in [single, "\(array):0", "\(array):2"] {
            let job = try #require(try api.store.job(id))
            #expect(job.status == .failed && job.statusReason == "Terminated: job queue high was deleted", "\(job)")
        }
        let detail = try api.ok("DescribeJobs", #"{"jobs": ["\#(single)"]}"#)["jobs"]?.array?.first
        #expect(detail?["isTerminated"] == .bool(true))
        #expect(try api.ok("DescribeJobQueues", "{}")["jobQueues"] == .array([]))
        #expect(api.refused("SubmitJob", #"{"jobName": "late", "jobQueue": "high", "jobDefinition": "thumbs"}"#).contains("unknown job queue 'high'"))
        // The environment is free again.
        try api.ok("UpdateComputeEnvironment", #"{"computeEnvironment": "spot", "state": "DISABLED"}"#)
        try api.ok("DeleteComputeEnvironment", #"{"computeEnvironment": "spot"}"#)
        try api.checkBodies()
    }

    // MARK: - Job definitions

    @Test func definitionsGetARevisionPerRegistrationAndGoInactive() throws {
        let api = try ResourceHarness()
        try api.ok("CreateComputeEnvironment", Self.spot)
        try api.ok("CreateJobQueue", Self.queue)
        let first = try api.ok("RegisterJobDefinition", Self.definition)
        #expect(first == .object(["jobDefinitionName": .string("thumbs"), "jobDefinitionArn": .string(ARN.of(.jobDefinition, "thumbs:1")), "revision": .integer(1)]))
        #expect(try api.ok("RegisterJobDefinition", Self.definition)["revision"] == .integer(2))
        #expect(try api.tags(ARN.of(.jobDefinition, "thumbs:2")) == .object(["stage": .string("test")]))

        let all = try api.ok("DescribeJobDefinitions", #"{"jobDefinitionName": "thumbs"}"#)["jobDefinitions"]?.array ?? []
        #expect(all.map { $0["revision"] } == [.integer(1), .integer(2)] && all.allSatisfy { $0["status"] == .string("ACTIVE") })
        let shown = all[0]
        let container = try #require(shown["containerProperties"])
        #expect(container["secrets"]?.array?.count == 1 && container["volumes"]?.array?.count == 1 && container["user"] == .string("nobody"))
        #expect(container["ulimits"]?.array?.first?["hardLimit"] == .integer(4096))
        #expect(shown["parameters"] == .object(["size": .string("320")]) && shown["timeout"]?["attemptDurationSeconds"] == .integer(60))
        #expect(shown["tags"] == .object(["stage": .string("test")]) && shown["propagateTags"] == .bool(true))
        // AWS's members only: Drover's onSignal and maxInterruptions stay in the store; `retry` is spelled as the model spells it.
        #expect(shown["retryStrategy"] == .object(["attempts": .integer(2), "evaluateOnExit": .array([.object(["onExitCode": .string("137"), "action": .string("RETRY")])])]))

        // Deregistering takes a revision, by name:revision or ARN; INACTIVE revisions are shown and never run.
        #expect(api.refused("DeregisterJobDefinition", #"{"jobDefinition": "thumbs"}"#).contains("names no revision"))
        try api.ok("DeregisterJobDefinition", #"{"jobDefinition": "thumbs:1"}"#)
        let inactive = try api.ok("DescribeJobDefinitions", #"{"jobDefinitionName": "thumbs", "status": "INACTIVE"}"#)["jobDefinitions"]?.array ?? []
        #expect(inactive.map { $0["revision"] } == [.integer(1)] && inactive.first?["status"] == .string("INACTIVE"))
        #expect(api.refused("SubmitJob", #"{"jobName": "old", "jobQueue": "high", "jobDefinition": "thumbs:1"}"#).contains("thumbs:1 is INACTIVE"))
        let job = try api.ok("SubmitJob", #"{"jobName": "new", "jobQueue": "high", "jobDefinition": "thumbs"}"#)["jobId"]?.string ?? ""
        #expect(try api.store.job(job)?.jobDefinition == "thumbs:2")
        try api.ok("DeregisterJobDefinition", #"{"jobDefinition": "\#(ARN.of(.jobDefinition, "thumbs:2"))"}"#)
        #expect(api.refused("SubmitJob", #"{"jobName": "none", "jobQueue": "high", "jobDefinition": "thumbs"}"#).contains("unknown job definition 'thumbs'"))
        #expect(api.refused("DeregisterJobDefinition", #"{"jobDefinition": "thumbs:9"}"#).contains("'thumbs:9' does not exist"))

        let byReference = try api.ok("DescribeJobDefinitions", #"{"jobDefinitions": ["thumbs:2", "\#(ARN.of(.jobDefinition, "thumbs:1"))", "other:1"]}"#)
        #expect(byReference["jobDefinitions"]?.array?.map { $0["jobDefinitionArn"] } == [.string(ARN.of(.jobDefinition, "thumbs:1")), .string(ARN.of(.jobDefinition, "thumbs:2"))])
        #expect(api.refused("DescribeJobDefinitions", #"{"jobDefinitions": ["thumbs:2"], "status": "ACTIVE"}"#).contains("cannot be combined"))
        #expect(api.refused("DescribeJobDefinitions", #"{"status": "GONE"}"#).contains("ACTIVE or INACTIVE"))
        let page = try api.ok("DescribeJobDefinitions", #"{"maxResults": 1}"#)
        let token = try #require(page["nextToken"]?.string)
        #expect(try api.ok("DescribeJobDefinitions", #"{"maxResults": 1, "nextToken": "\#(token)"}"#)["jobDefinitions"]?.array?.first?["revision"] == .integer(2))
        try api.checkBodies()
    }

    /// Definitions written in job files (YAML numbers where AWS has strings, fractional vCPUs, Drover's extensions)
    /// are described in AWS's shapes too.
    @Test func definitionsFromJobFilesAreShownInAWSShapes() throws {
        let api = try ResourceHarness()
        let file = try DocumentLoader.parse(text: """
            jobDefinitions:
              - jobDefinitionName: filed
                parameters: {count: 5, ratio: 0.5}
                tags: {team: 7}
                containerProperties:
                  command: [echo, 1]
                  vcpus: 0.5
                  memory: 512
                  environment: [{name: N, value: 3}]
                retryStrategy:
                  attempts: 3
                  evaluateOnExit: [{onExitCode: 137, action: RETRY_NEXT_ENVIRONMENT}, {onOutOfMemory: true, action: exit}]
            """, path: "filed.yaml")
        try api.store.apply(file)
        let shown = try #require(try api.ok("DescribeJobDefinitions", "{}")["jobDefinitions"]?.array?.first)
        #expect(shown["parameters"] == .object(["count": .string("5"), "ratio": .string("0.5")]))
        #expect(shown["tags"] == .object(["team": .string("7")]))
        #expect(shown["type"] == .string("container") && shown["platformCapabilities"] == .array([.string("EC2")]))
        let container = try #require(shown["containerProperties"])
        #expect(container["vcpus"] == nil && container["memory"] == .integer(512))
        #expect(container["resourceRequirements"] == .array([.object(["type": .string("VCPU"), "value": .string("0.5")])]))
        #expect(container["command"] == .array([.string("echo"), .string("1")]))
        #expect(shown["retryStrategy"]?["evaluateOnExit"]?.array?.compactMap { $0["action"]?.string } == ["RETRY", "EXIT"])
        try api.checkBodies()
    }

    // MARK: - Scheduling policies

    @Test func schedulingPoliciesAreKeptShownAndGuarded() throws {
        let api = try ResourceHarness()
        let created = try api.ok("CreateSchedulingPolicy", #"""
            {"name": "fair", "fairsharePolicy": {"shareDecaySeconds": 3600, "computeReservation": 10,
             "shareDistribution": [{"shareIdentifier": "blue", "weightFactor": 0.5}]}, "tags": {"owner": "ops"}}
            """#)
        let arn = ARN.of(.schedulingPolicy, "fair")
        #expect(created == .object(["name": .string("fair"), "arn": .string(arn)]))
        #expect(try api.ok("ListSchedulingPolicies", "{}") == .object(["schedulingPolicies": .array([.object(["arn": .string(arn)])])]))
        var policy = try #require(try api.ok("DescribeSchedulingPolicies", #"{"arns": ["\#(arn)", "\#(ARN.of(.schedulingPolicy, "other"))"]}"#)["schedulingPolicies"]?.array?.first)
        #expect(policy["fairsharePolicy"]?["shareDistribution"]?.array?.first?["weightFactor"] == .number(0.5))
        #expect(policy["tags"] == .object(["owner": .string("ops")]))
        try api.ok("UpdateSchedulingPolicy", #"{"arn": "\#(arn)", "fairsharePolicy": {"shareDecaySeconds": 60}}"#)
        policy = try #require(try api.ok("DescribeSchedulingPolicies", #"{"arns": ["\#(arn)"]}"#)["schedulingPolicies"]?.array?.first)
        #expect(policy["fairsharePolicy"] == .object(["shareDecaySeconds": .integer(60)]))

        try api.ok("CreateComputeEnvironment", Self.local)
        let order = #"[{"order": 1, "computeEnvironment": "local"}]"#
        #expect(api.refused("CreateJobQueue", #"{"jobQueueName": "q", "priority": 1, "schedulingPolicyArn": "\#(ARN.of(.schedulingPolicy, "nope"))", "computeEnvironmentOrder": \#(order)}"#)
            .contains("scheduling policy 'nope' does not exist"))
        try api.ok("CreateJobQueue", #"{"jobQueueName": "fifo", "priority": 1, "computeEnvironmentOrder": \#(order)}"#)
        #expect(api.refused("UpdateJobQueue", #"{"jobQueue": "fifo", "schedulingPolicyArn": "\#(arn)"}"#).contains("first in, first out"))
        try api.ok("CreateJobQueue", #"{"jobQueueName": "shared", "priority": 1, "schedulingPolicyArn": "\#(arn)", "computeEnvironmentOrder": \#(order)}"#)
        let shared = try api.ok("DescribeJobQueues", #"{"jobQueues": ["shared"]}"#)["jobQueues"]?.array?.first
        #expect(shared?["schedulingPolicyArn"] == .string(arn))
        #expect(api.refused("DeleteSchedulingPolicy", #"{"arn": "\#(arn)"}"#).contains("used by job queue 'shared'"))
        try api.ok("UpdateJobQueue", #"{"jobQueue": "shared", "state": "DISABLED"}"#)
        try api.ok("DeleteJobQueue", #"{"jobQueue": "shared"}"#)
        try api.ok("DeleteSchedulingPolicy", #"{"arn": "\#(arn)"}"#)
        #expect(try api.ok("DescribeSchedulingPolicies", #"{"arns": ["\#(arn)"]}"#) == .object(["schedulingPolicies": .array([])]))
        #expect(try api.store.tags(of: "scheduling-policy/fair").isEmpty)
        try api.checkBodies()
    }

    // MARK: - Refusals

    struct Refusal: CustomTestStringConvertible, Sendable {
        var operation: String
        var body: String
        var says: String
        var testDescription: String { "\(operation) \(body.prefix(60)): \(says)" }
    }

    static let refusals: [Refusal] = [
        Refusal(operation: "CreateComputeEnvironment", body: #"{"computeEnvironmentName": "x"}"#, says: "type: is required"),
        Refusal(operation: "CreateComputeEnvironment", body: #"{"computeEnvironmentName": "x", "type": "MANAGED"}"#,
                says: "computeResources: is required for a MANAGED environment"),
        Refusal(operation: "CreateComputeEnvironment", body: #"{"computeEnvironmentName": "x", "type": "SHARED"}"#, says: "type: must be MANAGED or UNMANAGED (got 'SHARED')"),
        Refusal(operation: "CreateComputeEnvironment", body: #"{"computeEnvironmentName": "x", "type": "MANAGED", "computeResources": {"type": "EC2", "subnets": []}}"#,
                says: "computeResources.maxvCpus: is required"),
        Refusal(operation: "CreateComputeEnvironment", body: #"{"computeEnvironmentName": "x", "type": "MANAGED", "computeResources": {"type": "EC2", "maxvCpus": "4", "subnets": []}}"#,
                says: "computeResources.maxvCpus: expected an integer, got a string"),
        Refusal(operation: "CreateComputeEnvironment", body: #"{"computeEnvironmentName": "x", "type": "MANAGED", "computeResources": {"type": "EC2", "maxvCpus": 0, "subnets": []}}"#,
                says: "computeResources.maxvCpus: must be at least 1"),
        Refusal(operation: "CreateComputeEnvironment", body: #"{"computeEnvironmentName": "bad name", "type": "UNMANAGED"}"#, says: "computeEnvironmentName: \"bad name\" is not a valid name"),
        Refusal(operation: "CreateComputeEnvironment", body: #"{"computeEnvironmentName": "x", "type": "UNMANAGED", "tags": {"aws:owner": "me"}}"#, says: "reserved"),
        Refusal(operation: "CreateComputeEnvironment", body: #"{"computeEnvironmentName": "x", "type": "UNMANAGED""#, says: "not valid JSON"),
        Refusal(operation: "CreateComputeEnvironment", body: #"{"computeEnvironmentName": "local", "type": "UNMANAGED"}"#, says: "Object already exists"),
        Refusal(operation: "UpdateComputeEnvironment", body: #"{"computeEnvironment": "local", "computeResources": {"maxvCpus": 4}}"#, says: "is UNMANAGED and has none"),
        Refusal(operation: "UpdateComputeEnvironment", body: #"{"computeEnvironment": "spot", "state": "OFF"}"#, says: "state: must be ENABLED or DISABLED (got 'OFF')"),
        Refusal(operation: "UpdateComputeEnvironment", body: #"{"computeEnvironment": "spot", "computeResources": {"minvCpus": 64}}"#, says: "minvCpus: must not exceed maxvCpus"),
        Refusal(operation: "UpdateComputeEnvironment", body: #"{"computeEnvironment": "\#(ARN.of(.jobQueue, "high"))", "state": "DISABLED"}"#,
                says: "is the ARN of a job queue, not of a compute environment"),
        Refusal(operation: "UpdateComputeEnvironment", body: #"{"computeEnvironment": "nowhere", "state": "DISABLED"}"#, says: "compute environment 'nowhere' does not exist"),
        Refusal(operation: "DeleteComputeEnvironment", body: #"{"computeEnvironment": "spot"}"#, says: "is ENABLED: disable it first"),
        Refusal(operation: "DescribeComputeEnvironments", body: #"{"maxResults": 0}"#, says: "maxResults: must be at least 1"),
        Refusal(operation: "CreateJobQueue", body: #"{"jobQueueName": "q", "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "spot"}]}"#, says: "priority: is required"),
        Refusal(operation: "CreateJobQueue", body: #"{"jobQueueName": "q", "priority": 1, "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "nowhere"}]}"#,
                says: "computeEnvironmentOrder: compute environment 'nowhere' does not exist; create it first"),
        Refusal(operation: "CreateJobQueue", body: #"{"jobQueueName": "q", "priority": 1, "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "\#(ARN.of(.jobQueue, "high"))"}]}"#,
                says: "computeEnvironmentOrder[0].computeEnvironment: 'arn:aws:batch:us-east-1:000000000000:job-queue/high' is the ARN of a job queue"),
        Refusal(operation: "CreateJobQueue", body: #"{"jobQueueName": "q", "priority": 1, "serviceEnvironmentOrder": [{"order": 1, "serviceEnvironment": "s"}]}"#,
                says: "serviceEnvironmentOrder: service environments are not supported by Drover"),
        Refusal(operation: "CreateJobQueue", body: #"{"jobQueueName": "high", "priority": 1, "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "spot"}]}"#, says: "Object already exists"),
        Refusal(operation: "CreateJobQueue", body: #"{"jobQueueName": "q", "priority": 1, "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "spot"}], "jobStateTimeLimitActions": [{"reason": "r", "state": "RUNNABLE", "maxTimeSeconds": 5, "action": "CANCEL"}]}"#,
                says: "jobStateTimeLimitActions[0].maxTimeSeconds: must be between 600 and 86400"),
        Refusal(operation: "UpdateJobQueue", body: #"{"jobQueue": "high", "priority": 5000}"#, says: "priority: must be between 0 and 1000"),
        Refusal(operation: "UpdateJobQueue", body: #"{"jobQueue": "high", "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "gone"}]}"#, says: "compute environment 'gone' does not exist"),
        Refusal(operation: "DeleteJobQueue", body: #"{"jobQueue": "high"}"#, says: "is ENABLED: disable it first"),
        Refusal(operation: "DeleteJobQueue", body: #"{}"#, says: "missing required member 'jobQueue'"),
        Refusal(operation: "RegisterJobDefinition", body: #"{"jobDefinitionName": "d", "type": "container", "containerProperties": {"command": ["true"], "vcpus": 2, "resourceRequirements": [{"type": "VCPU", "value": "1"}]}}"#,
                says: "containerProperties.vcpus: give either vcpus or a VCPU entry in resourceRequirements, not both"),
        Refusal(operation: "RegisterJobDefinition", body: #"{"jobDefinitionName": "d", "type": "container", "containerProperties": {"command": ["true"], "memory": 512, "resourceRequirements": [{"type": "MEMORY", "value": "512"}]}}"#,
                says: "containerProperties.memory: give either memory or a MEMORY entry in resourceRequirements, not both"),
        Refusal(operation: "RegisterJobDefinition", body: #"{"jobDefinitionName": "d", "containerProperties": {"command": ["true"]}}"#, says: "type: is required"),
        Refusal(operation: "RegisterJobDefinition", body: #"{"jobDefinitionName": "d", "type": "multinode", "nodeProperties": {"numNodes": 2, "mainNode": 0, "nodeRangeProperties": []}}"#,
                says: "nodeProperties: multi-node parallel jobs are not supported by Drover"),
        Refusal(operation: "RegisterJobDefinition", body: #"{"jobDefinitionName": "d", "type": "container", "containerProperties": {"command": ["true"], "vcpus": 0.5}}"#,
                says: "containerProperties.vcpus: expected an integer, got a number"),
        Refusal(operation: "RegisterJobDefinition", body: #"{"jobDefinitionName": "d", "type": "container", "retryStrategy": {"attempts": 11}}"#, says: "retryStrategy.attempts: must be between 1 and 10"),
        Refusal(operation: "RegisterJobDefinition", body: #"{"jobDefinitionName": "d", "type": "container", "retryStrategy": {"attempts": 2, "evaluateOnExit": [{"onExitCode": "1"}]}}"#,
                says: "retryStrategy.evaluateOnExit[0].action: is required"),
        Refusal(operation: "RegisterJobDefinition", body: #"{"jobDefinitionName": "d", "type": "container", "platformCapabilities": ["LAMBDA"]}"#, says: "platformCapabilities[0]: must be EC2 or FARGATE"),
        Refusal(operation: "DeregisterJobDefinition", body: #"{"jobDefinition": "thumbs"}"#, says: "names no revision"),
        Refusal(operation: "DeregisterJobDefinition", body: #"{"jobDefinition": "thumbs:x"}"#, says: "names no revision"),
        Refusal(operation: "DescribeJobDefinitions", body: #"{"jobDefinitions": ["thumbs:two"]}"#, says: "is not name:revision"),
        Refusal(operation: "CreateSchedulingPolicy", body: #"{"name": "p", "fairsharePolicy": {"computeReservation": 100}}"#, says: "fairsharePolicy.computeReservation: must be between 0 and 99"),
        Refusal(operation: "CreateSchedulingPolicy", body: #"{"fairsharePolicy": {}}"#, says: "name: is required"),
        Refusal(operation: "UpdateSchedulingPolicy", body: #"{"arn": "\#(ARN.of(.schedulingPolicy, "none"))"}"#, says: "scheduling policy 'none' does not exist"),
        Refusal(operation: "DeleteSchedulingPolicy", body: #"{"arn": "none"}"#, says: "scheduling policy 'none' does not exist"),
        Refusal(operation: "DescribeSchedulingPolicies", body: #"{}"#, says: "missing required member 'arns'"),
    ]

    @Test func badRequestsAreRefusedNamingTheMemberAndChangeNothing() throws {
        let api = try ResourceHarness()
        try api.ok("CreateComputeEnvironment", Self.spot)
        try api.ok("CreateComputeEnvironment", Self.local)
        try api.ok("CreateJobQueue", Self.queue)
        try api.ok("RegisterJobDefinition", Self.definition)
        try api.ok("SubmitJob", #"{"jobName": "one", "jobQueue": "high", "jobDefinition": "thumbs"}"#)
        let before = try api.snapshot()
        for refusal in Self.refusals {
            let message = api.refused(refusal.operation, refusal.body)
            #expect(message.contains(refusal.says), "\(refusal.operation) \(refusal.body): \(message)")
            #expect(try api.snapshot() == before, "\(refusal.operation) \(refusal.body) changed the store")
        }
        try api.checkBodies()
    }

    /// The check of bodies is not vacuous: a body AWS would never send is reported.
    @Test func bodyCheckReportsWhatAWSNeverSends() throws {
        let problems = try ResourceHarness.validate([
            ("DescribeJobQueues", #"{"jobQueues": [{"jobQueueName": "q", "simulation": 1}]}"#, "output"),
            ("CreateJobQueue", #"{"__type": "ClientException", "message": "no"}"#, "error"),
        ])
        #expect(problems.count == 5, "\(problems)")
        #expect(problems.contains { $0.contains("jobQueues[0].simulation: unknown member") }, "\(problems)")
    }

    /// The shapes the API checks requests against and writes responses through are the installed botocore's.
    @Test func modelShapesAreBotocores() throws {
        let (status, output) = try Python.run([Python.scripts.appendingPathComponent("batch-model-shapes.py").path, "--check"])
        #expect(status == 0, "\(output)")
    }
}
