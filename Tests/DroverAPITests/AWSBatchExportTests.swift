import DroverAPI
import DroverCore
import ModelValidatorSupport
import Testing

/// A job file as AWS Batch's own requests: each body is what botocore's model accepts for its operation, Drover's
/// extensions are left out with a note, and what AWS cannot be given is said.
struct AWSBatchExportTests {
    static let file = """
        simulation: {seed: 1}
        computeEnvironments:
          - computeEnvironmentName: cloud
            computeResources:
              type: SPOT
              allocationStrategy: SPOT_CAPACITY_OPTIMIZED
              maxvCpus: 64
              instanceTypes: [optimal]
              subnets: [subnet-0a1b]
              securityGroupIds: [sg-0a1b]
              instanceRole: ecsInstanceRole
            simulation: {startupDelay: 30s}
          - computeEnvironmentName: hpc
            type: UNMANAGED
            unmanagedvCpus: 48
            slurm: {partition: spot}
          - computeEnvironmentName: local
            computeResources: {type: EC2, maxvCpus: 2}
        jobQueues:
          - jobQueueName: q
            priority: 10
            computeEnvironmentOrder: [{order: 1, computeEnvironment: cloud}, {order: 2, computeEnvironment: hpc}]
        jobDefinitions:
          - jobDefinitionName: work
            parameters: {size: 10}
            containerProperties:
              command: [work, Ref::size]
              vcpus: 0.5
              memory: 512
              jobRoleArn: arn:aws:iam::123456789012:role/work
            retryStrategy:
              attempts: 3
              maxInterruptions: 5
              evaluateOnExit:
                - {onSignal: SIGKILL, action: EXIT}
                - {onStatusReason: "Host EC2*", action: RETRY_NEXT_ENVIRONMENT}
                - {onExitCode: "3", action: EXIT}
        jobs:
          - jobName: first
            jobQueue: q
            jobDefinition: work
            arrayProperties: {size: 20000}
            containerOverrides: {environment: [{name: MODE, value: fast}]}
          - jobName: second
            jobQueue: q
            jobDefinition: work:1
            dependsOn: [{jobName: first}, {jobId: 0123abcd}]
            parameters: {size: 5}
        """

    static func export() throws -> AWSBatchExport {
        try AWSBatchExport(file: try DocumentLoader.parse(text: file, path: "work.yaml"), parameters: ["extra": "1"], image: "busybox:1.36")
    }

    /// botocore's model of each operation accepts each body as its request.
    @Test func everyBodyIsAValidRequest() throws {
        let export = try Self.export()
        #expect(export.requests.map(\.fileName) == [
            "create-compute-environment-cloud.json", "create-compute-environment-hpc.json", "create-job-queue-q.json",
            "register-job-definition-work.json", "submit-job-first.json", "submit-job-second.json",
        ])
        for request in export.requests {
            #expect(try ModelValidator.problems(request.command, AWSBatchExport.text(request.body), input: true) == "", "\(request.fileName)")
        }
    }

    @Test func droversExtensionsAreLeftOutAndTheRestKept() throws {
        let export = try Self.export()
        let body = { (name: String) in export.requests.first { $0.fileName == name }?.body ?? .null }
        #expect(body("create-compute-environment-cloud.json")["simulation"] == nil)
        #expect(body("create-compute-environment-cloud.json")["type"] == .string("MANAGED"))
        #expect(body("create-compute-environment-hpc.json")["slurm"] == nil)
        let definition = body("register-job-definition-work.json")
        #expect(definition["type"] == .string("container"))
        #expect(definition["parameters"] == .object(["size": .string("10")]), "YAML's number as the string AWS's map holds")
        let container = try #require(definition["containerProperties"])
        #expect(container["image"] == .string("busybox:1.36"))
        #expect(container["jobRoleArn"] == .string("arn:aws:iam::123456789012:role/work"), "AWS members Drover does not run are kept")
        #expect(container["vcpus"] == nil && container["resourceRequirements"] == .array([.object(["type": .string("VCPU"), "value": .string("0.5")])]))
        #expect(definition["retryStrategy"] == .object([
            "attempts": .integer(3),
            "evaluateOnExit": .array([
                .object(["onStatusReason": .string("Host EC2*"), "action": .string("RETRY")]),
                .object(["onExitCode": .string("3"), "action": .string("EXIT")]),
            ]),
        ]))
        let second = body("submit-job-second.json")
        #expect(second["dependsOn"] == .array([.object(["jobId": .string("0123abcd")])]))
        #expect(second["parameters"] == .object(["size": .string("5"), "extra": .string("1")]))
        #expect(second["jobDefinition"] == .string("work:1"))
    }

    @Test func saysWhatWasLeftOut() throws {
        let notes = try Self.export().notes.map(\.description)
        let expected = [
            "note: work.yaml:3: compute environment cloud: left out (not in AWS's create-compute-environment request): simulation",
            "note: work.yaml:13: compute environment hpc: left out (not in AWS's create-compute-environment request): slurm",
            "warning: work.yaml:17: compute environment local: not written: AWS needs computeResources.subnets, computeResources.instanceRole",
            "warning: work.yaml:24: job definition work: retryStrategy.evaluateOnExit[0] is left out: onSignal is Drover's",
            "note: work.yaml:24: job definition work: retryStrategy.evaluateOnExit[1]: RETRY_NEXT_ENVIRONMENT is written as RETRY",
            "note: work.yaml:24: job definition work: left out (not in AWS's register-job-definition request): retryStrategy.maxInterruptions",
            "warning: work.yaml:39: job first: arrayProperties.size 20000 is above AWS Batch's 10000",
            "warning: work.yaml:44: job second: dependsOn[0] names job first of the file, where AWS takes a job id",
            "note: work.yaml: simulation: Drover's settings of its spot simulation: not written",
        ]
        #expect(notes.count == expected.count, "\(notes)")
        for fragment in expected {
            #expect(notes.contains { $0.hasPrefix(fragment) }, "\(fragment) in \(notes)")
        }
    }

    @Test func aDefinitionWithoutImageNeedsOne() throws {
        let file = try DocumentLoader.parse(text: "jobDefinitionName: d\ncontainerProperties: {command: [x]}\n", path: "d.yaml")
        #expect {
            try AWSBatchExport(file: file)
        } throws: { error in
            (error as? DroverError)?.message.contains("d.yaml:1: containerProperties.image: job definition d names no image, which AWS needs") == true
        }
    }
}
