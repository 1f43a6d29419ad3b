import DroverCore
import DroverStore
import Foundation
import ModelValidatorSupport
import Testing

/// The commands that list, change and delete compute environments, job queues and job definitions, run as the real
/// binary: `--output json` is exactly AWS's response (checked by botocore's model through
/// scripts/aws-model-validate.py), refusals name the problem and change nothing, and `drover apply` takes AWS's
/// update requests as partial updates.
struct ResourceCommandTests {
    static let resources = """
        computeEnvironments:
          - computeEnvironmentName: spot
            computeResources: {type: SPOT, maxvCpus: 8, instanceTypes: [c5.large], subnets: [subnet-1]}
          - computeEnvironmentName: local
            computeResources: {type: EC2, maxvCpus: 2}
          - computeEnvironmentName: spare
            state: DISABLED
            computeResources: {type: EC2, maxvCpus: 2}
        jobQueues:
          - jobQueueName: high
            priority: 10
            computeEnvironmentOrder: [{order: 1, computeEnvironment: spot}, {order: 2, computeEnvironment: local}]
          - jobQueueName: low
            priority: 1
            computeEnvironmentOrder: [{order: 1, computeEnvironment: local}]
        jobDefinitions:
          - jobDefinitionName: d
            containerProperties: {command: ["true"]}
          - jobDefinitionName: old
            containerProperties: {command: ["true"]}

        """

    /// A sandbox with ``resources`` applied.
    static func sandbox() throws -> Sandbox {
        let sandbox = try Sandbox()
        let applied = try sandbox.drover("apply", try sandbox.write("resources.yaml", resources))
        #expect(applied.status == 0, "\(applied.stderr)")
        return sandbox
    }

    static func object(_ text: String) throws -> [String: Any] {
        try AWSCommandLineTests.object(text)
    }

    /// `drover ARGUMENTS -o json`, which must succeed and print `operation`'s response as botocore's model has it.
    @discardableResult
    static func json(_ sandbox: Sandbox, _ operation: String, _ arguments: [String], environment: [String: String] = [:],
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let result = try sandbox.drover(arguments + ["-o", "json"], environment: environment)
        #expect(result.status == 0, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(try ModelValidator.problems(operation, result.stdout) == "", "\(arguments)", sourceLocation: sourceLocation)
        return try object(result.stdout)
    }

    /// The queues as `drover queues -o json` shows them, by name.
    static func queues(_ sandbox: Sandbox) throws -> [String: [String: Any]] {
        let list = try json(sandbox, "DescribeJobQueues", ["queues"])["jobQueues"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: list.map { ($0["jobQueueName"] as? String ?? "", $0) })
    }

    /// A queue's environments in order, as names.
    static func order(_ queue: [String: Any]?) -> [String] {
        ((queue?["computeEnvironmentOrder"] as? [[String: Any]]) ?? [])
            .sorted { ($0["order"] as? Int ?? 0) < ($1["order"] as? Int ?? 0) }
            .map { ResourceName.fromArn($0["computeEnvironment"] as? String ?? "") }
    }

    /// Everything the listing commands show, to compare before and after a refused command.
    static func snapshot(_ sandbox: Sandbox) throws -> String {
        try ["queues", "environments", "definitions"].map { try sandbox.drover($0, "-o", "json").stdout }.joined()
            + "\(try sandbox.store().jobs(JobFilter(all: true)).map { "\($0.jobId) \($0.status)" })"
    }

    @Test func listingsPrintAWSDescribeResponses() throws {
        let sandbox = try Self.sandbox()
        let queues = try Self.json(sandbox, "DescribeJobQueues", ["queues"])["jobQueues"] as? [[String: Any]]
        #expect(queues?.map { $0["jobQueueName"] as? String } == ["high", "low"], "every queue, by name")
        #expect(queues?.first?["jobQueueArn"] as? String == "arn:aws:batch:us-east-1:000000000000:job-queue/high")
        #expect((queues?.first?["computeEnvironmentOrder"] as? [[String: Any]])?.first?["computeEnvironment"] as? String
            == "arn:aws:batch:us-east-1:000000000000:compute-environment/spot")
        #expect(queues?.first?["state"] as? String == "ENABLED" && queues?.first?["status"] as? String == "VALID")

        let account = ["DROVER_REGION": "eu-west-1", "DROVER_ACCOUNT_ID": "123456789012"]
        let environments = try Self.json(sandbox, "DescribeComputeEnvironments", ["environments"], environment: account)["computeEnvironments"] as? [[String: Any]]
        #expect(environments?.map { $0["computeEnvironmentName"] as? String } == ["local", "spare", "spot"])
        #expect(environments?.first?["computeEnvironmentArn"] as? String == "arn:aws:batch:eu-west-1:123456789012:compute-environment/local")
        #expect(environments?[1]["state"] as? String == "DISABLED")
        #expect(environments?.allSatisfy { $0["simulation"] == nil && $0["cost"] == nil } == true, "Drover's own figures stay in the text")

        try sandbox.drover("apply", try sandbox.write("d2.yaml", "jobDefinitionName: d\ncontainerProperties: {command: [echo, two]}\n"))
        #expect(try sandbox.drover("deregister-job-definition", "old:1").status == 0)
        let definitions = try Self.json(sandbox, "DescribeJobDefinitions", ["definitions"])["jobDefinitions"] as? [[String: Any]]
        #expect(definitions?.map { $0["jobDefinitionArn"] as? String } == ["d:1", "d:2"].map { "arn:aws:batch:us-east-1:000000000000:job-definition/\($0)" },
                "the ACTIVE revisions, as the table lists them")
        #expect(definitions?.allSatisfy { $0["status"] as? String == "ACTIVE" } == true)

        let table = try sandbox.drover("queues").stdout
        #expect(table.hasPrefix("NAME  PRIORITY  STATE    COMPUTE ENVIRONMENTS\nhigh  10        ENABLED  spot → local\n"), "\(table)")
        #expect(try sandbox.drover("environments").stdout.contains("spot   SPOT  ENABLED"))
        #expect(try sandbox.drover("definitions").stdout.contains("d:2         echo two"))
    }

    @Test func updatesChangeOnlyWhatIsGiven() throws {
        let sandbox = try Self.sandbox()
        let response = try Self.json(sandbox, "UpdateJobQueue", ["update-job-queue", "--job-queue", "high", "--state", "DISABLED", "--priority", "50"])
        #expect(response["jobQueueName"] as? String == "high")
        #expect(response["jobQueueArn"] as? String == "arn:aws:batch:us-east-1:000000000000:job-queue/high")
        var high = try Self.queues(sandbox)["high"]
        #expect(high?["state"] as? String == "DISABLED" && high?["priority"] as? Int == 50)
        #expect(Self.order(high) == ["spot", "local"], "the order was not given, so it stays")

        let reordered = try sandbox.drover("update-job-queue", "arn:aws:batch:us-east-1:000000000000:job-queue/high", "--compute-environment-order",
                                           "order=1,computeEnvironment=local", "order=2,computeEnvironment=arn:aws:batch:us-east-1:000000000000:compute-environment/spare")
        #expect(reordered.status == 0 && reordered.stdout == "updated job queue high (computeEnvironmentOrder)\n", "\(reordered.stderr)")
        high = try Self.queues(sandbox)["high"]
        #expect(Self.order(high) == ["local", "spare"] && high?["priority"] as? Int == 50 && high?["state"] as? String == "DISABLED")

        try sandbox.write("queue-update.json", #"{"jobQueue": "low", "priority": 7, "state": "DISABLED"}"#)
        let fromFile = try sandbox.drover("update-job-queue", "--cli-input-json", "file://queue-update.json", "--state", "ENABLED",
                                          "--compute-environment-order", #"[{"order": 1, "computeEnvironment": "spot"}]"#)
        #expect(fromFile.stdout == "updated job queue low (state, priority, computeEnvironmentOrder)\n", "\(fromFile.stderr)")
        let low = try Self.queues(sandbox)["low"]
        #expect(low?["priority"] as? Int == 7 && low?["state"] as? String == "ENABLED", "the options override --cli-input-json's members")
        #expect(Self.order(low) == ["spot"])

        let environment = try Self.json(sandbox, "UpdateComputeEnvironment", ["update-compute-environment", "spot", "--compute-resources", "maxvCpus=16"])
        #expect(environment["computeEnvironmentName"] as? String == "spot")
        let spot = (try Self.json(sandbox, "DescribeComputeEnvironments", ["environments"])["computeEnvironments"] as? [[String: Any]])?.last
        let resources = spot?["computeResources"] as? [String: Any]
        #expect(resources?["maxvCpus"] as? Int == 16 && resources?["type"] as? String == "SPOT" && resources?["instanceTypes"] as? [String] == ["c5.large"],
                "only maxvCpus of computeResources changes")
        let disabled = try sandbox.drover("update-compute-environment", "--compute-environment", "spot", "--state", "disabled")
        #expect(disabled.stdout == "updated compute environment spot (state)\n", "AWS's enumerations in any case: \(disabled.stderr)")
        #expect(try sandbox.store().computeEnvironments().first { $0.computeEnvironmentName == "spot" }?.isEnabled == false)
    }

    @Test func refusalsNameTheProblemAndChangeNothing() throws {
        let sandbox = try Self.sandbox()
        try sandbox.drover("submit", "-q", "low", "-d", "d")
        let before = try Self.snapshot(sandbox)
        let cases: [([String], String)] = [
            (["delete-compute-environment", "local"], "compute environment 'local' is ENABLED: disable it first"),
            (["delete-compute-environment", "--compute-environment", "nope"], "compute environment 'nope' does not exist"),
            (["delete-compute-environment", "arn:aws:batch:us-east-1:000000000000:job-queue/high"], "computeEnvironment:"),
            (["delete-compute-environment"], "give the compute environment: its name or ARN as an argument, or --compute-environment"),
            (["delete-job-queue", "low"], "job queue 'low' is ENABLED: disable it first"),
            (["delete-job-queue", "--job-queue", "nope"], "job queue 'nope' does not exist"),
            (["deregister-job-definition", "d"], "jobDefinition: 'd' names no revision: give name:revision"),
            (["deregister-job-definition", "--job-definition", "d:9"], "job definition 'd:9' does not exist"),
            (["update-job-queue", "high", "--compute-environment-order", "order=1,computeEnvironment=nope"], "compute environment 'nope' does not exist"),
            (["update-job-queue", "high", "--compute-environment-order", "order=x,computeEnvironment=local"], "--compute-environment-order: [0].order: expected an integer (got 'x')"),
            (["update-job-queue", "high", "--compute-environment-order", "computeEnvironment=local"], "missing required member 'order'"),
            (["update-job-queue", "high", "--state", "PAUSED"], "state: must be ENABLED or DISABLED (got 'PAUSED')"),
            (["update-job-queue", "--job-queue", "nope", "--priority", "1"], "job queue 'nope' does not exist"),
            (["update-job-queue", "--priority", "1"], "give the job queue: its name or ARN as an argument, or --job-queue, or jobQueue in --cli-input-json"),
            (["update-job-queue", "high", "--job-queue", "low"], "two job queues given: 'high' and --job-queue 'low'; give one"),
            (["update-job-queue", "--cli-input-json", #"{"jobQueue": "high", "jobQueueName": "x"}"#], "--cli-input-json: unknown member 'jobQueueName'"),
            (["update-job-queue", "--cli-input-json", "file://missing.json"], "--cli-input-json: cannot read"),
            (["update-compute-environment", "spot", "--compute-resources", "colour=red"], "--compute-resources: unknown member 'colour'"),
            (["update-compute-environment", "spot", "--compute-resources", "maxvCpus=-1"], "maxvCpus"),
        ]
        for (arguments, message) in cases {
            let result = try sandbox.drover(arguments)
            #expect(result.status == 2, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr) should say \(message)")
            #expect(result.stdout.isEmpty, "\(arguments)")
        }
        #expect(try Self.snapshot(sandbox) == before)

        // An environment a queue still names is refused, naming the queue, even once disabled.
        #expect(try sandbox.drover("update-compute-environment", "local", "--state", "DISABLED").status == 0)
        let named = try sandbox.drover("delete-compute-environment", "local")
        #expect(named.status == 2 && named.stderr.contains("compute environment 'local' is in the computeEnvironmentOrder of job queue 'high', 'low'"), "\(named.stderr)")
        #expect(try sandbox.store().computeEnvironments().count == 3)
    }

    @Test func deletesFollowAWSLifecycle() throws {
        let sandbox = try Self.sandbox()
        let waiting = try sandbox.submit("-q", "low", "-d", "d")
        #expect(try sandbox.drover("update-job-queue", "low", "--state", "DISABLED").status == 0)
        #expect(try Self.json(sandbox, "DeleteJobQueue", ["delete-job-queue", "low"]).isEmpty)
        let job = try #require(try sandbox.store().job(waiting))
        #expect(job.status == .failed && job.statusReason == "Terminated: job queue low was deleted", "AWS terminates the queue's jobs: \(job)")
        #expect(try Self.queues(sandbox).keys.sorted() == ["high"])

        let deleted = try sandbox.drover("delete-compute-environment", "arn:aws:batch:us-east-1:000000000000:compute-environment/spare")
        #expect(deleted.status == 0 && deleted.stdout == "deleted compute environment spare\n", "\(deleted.stderr)")
        try sandbox.drover("apply", try sandbox.write("extra.yaml", "computeEnvironmentName: extra\nstate: DISABLED\n"))
        #expect(try Self.json(sandbox, "DeleteComputeEnvironment", ["delete-compute-environment", "--compute-environment", "extra"]).isEmpty)
        #expect(try sandbox.store().computeEnvironments().map(\.computeEnvironmentName) == ["local", "spot"])

        let deregistered = try sandbox.drover("deregister-job-definition", "old:1")
        #expect(deregistered.status == 0 && deregistered.stdout == "deregistered job definition old:1\n", "\(deregistered.stderr)")
        #expect(try Self.json(sandbox, "DeregisterJobDefinition", ["deregister-job-definition", "--job-definition", "old:1"]).isEmpty,
                "an INACTIVE revision stays so")
        let submit = try sandbox.drover("submit", "-q", "high", "-d", "old:1")
        #expect(submit.status == 2 && submit.stderr.contains("INACTIVE"), "\(submit.stderr)")
        #expect(!(try sandbox.drover("definitions").stdout.contains("old:1")))
    }

    @Test func applyTakesUpdateRequestsAsPartialUpdates() throws {
        let sandbox = try Self.sandbox()
        let file = try sandbox.write("move.yaml", """
            computeEnvironmentName: spot-v2
            computeResources: {type: SPOT, maxvCpus: 8, instanceTypes: [c5.large], subnets: [subnet-1]}
            ---
            jobQueue: arn:aws:batch:us-east-1:000000000000:job-queue/high
            computeEnvironmentOrder:
              - {order: 1, computeEnvironment: spot-v2}
              - {order: 2, computeEnvironment: spot}
            ---
            computeEnvironment: spot
            state: DISABLED
            computeResources: {maxvCpus: 4}

            """)
        let applied = try sandbox.drover("apply", file)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout == """
            created compute environment spot-v2
            updated job queue high (computeEnvironmentOrder)
            updated compute environment spot (state, computeResources)

            """, "\(applied.stdout)")
        let high = try Self.queues(sandbox)["high"]
        #expect(Self.order(high) == ["spot-v2", "spot"] && high?["priority"] as? Int == 10 && high?["state"] as? String == "ENABLED")
        let spot = try #require(try sandbox.store().computeEnvironments().first { $0.computeEnvironmentName == "spot" })
        #expect(!spot.isEnabled && spot.computeResources?.maxvCpus == 4 && spot.computeResources?.instanceTypes == ["c5.large"])
        #expect(try sandbox.drover("apply", file).stdout.contains("unchanged job queue high"), "applying it again changes nothing")

        // What `aws batch update-job-queue --cli-input-json` takes, in a JSON list.
        try sandbox.write("updates.json", #"[{"jobQueue": "low", "priority": 3}, {"jobQueue": "high", "state": "DISABLED"}]"#)
        #expect(try sandbox.drover("apply", "updates.json").stdout == "updated job queue low (priority)\nupdated job queue high (state)\n")

        let before = try Self.snapshot(sandbox)
        let refusals: [(String, String)] = [
            ("jobQueue: nope\nstate: DISABLED\n", "bad.yaml:1: job queue 'nope' does not exist"),
            ("jobQueue: low\npriority: high\n", "bad.yaml:2: priority: has the wrong type"),
            ("jobQueue: low\njobQueueArn: x\n", "bad.yaml:2: jobQueueArn: UpdateJobQueue has no member 'jobQueueArn'"),
            ("computeEnvironment: spot\ncomputeResources: {maxvCpus: 0, minvCpus: 2}\n", "bad.yaml:1: UpdateComputeEnvironment: computeResources"),
            ("jobQueue: low\ncomputeEnvironmentOrder: [{order: 1, computeEnvironment: gone}]\n", "compute environment 'gone' does not exist"),
            ("computeEnvironmentName: extra\n---\njobQueue: nope\n", "job queue 'nope' does not exist"),
        ]
        for (text, message) in refusals {
            let result = try sandbox.drover("apply", try sandbox.write("bad.yaml", text))
            #expect(result.status == 2 && result.stderr.contains(message), "\(text): \(result.stderr) should say \(message)")
            #expect(result.stderr.contains("nothing was changed"))
        }
        #expect(try Self.snapshot(sandbox) == before, "a refused file changes nothing, its creations included")
    }
}
