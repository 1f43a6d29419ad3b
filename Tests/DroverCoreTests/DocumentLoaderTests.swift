import DroverCore
import Testing

/// Reading job files: AWS JSON unchanged, YAML sections, and errors that name file, line and field.
struct DocumentLoaderTests {
    /// A job definition as written for `aws batch register-job-definition --cli-input-json`.
    static let awsDefinition = """
        {
          "jobDefinitionName": "ffmpeg-transcode",
          "type": "container",
          "parameters": {"codec": "libx264"},
          "platformCapabilities": ["EC2"],
          "propagateTags": true,
          "containerProperties": {
            "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/ffmpeg:latest",
            "command": ["ffmpeg", "-i", "Ref::input", "-c:v", "Ref::codec", "out.mp4"],
            "jobRoleArn": "arn:aws:iam::123456789012:role/BatchJobRole",
            "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
            "resourceRequirements": [{"type": "VCPU", "value": "2"}, {"type": "MEMORY", "value": "4096"}],
            "environment": [{"name": "LOG_LEVEL", "value": "info"}],
            "logConfiguration": {"logDriver": "awslogs"},
            "networkConfiguration": {"assignPublicIp": "ENABLED"}
          },
          "retryStrategy": {
            "attempts": 3,
            "evaluateOnExit": [
              {"onStatusReason": "Host EC2*", "action": "RETRY"},
              {"onReason": "*", "action": "EXIT"}
            ]
          },
          "timeout": {"attemptDurationSeconds": 3600},
          "tags": {"team": "media"}
        }
        """

    @Test func acceptsAnAwsJobDefinitionUnchanged() throws {
        let file = try DocumentLoader.parse(text: Self.awsDefinition, path: "def.json")
        let definition = try #require(file.jobDefinitions.first)
        #expect(definition.value.jobDefinitionName == "ffmpeg-transcode")
        #expect(definition.value.containerProperties?.requestedVcpus == 2)
        #expect(definition.value.containerProperties?.requestedMemory == 4096)
        #expect(definition.value.retryStrategy?.evaluateOnExit?.count == 2)
        #expect(definition.document.contains("jobRoleArn"))
        #expect(definition.document.contains("platformCapabilities"))
    }

    @Test func readsSectionsAndLenientScalars() throws {
        let text = """
            computeEnvironments:
              - computeEnvironmentName: ce
                computeResources: {type: SPOT, maxvCpus: 4}
            jobQueues:
              - jobQueueName: q
                priority: 5
                computeEnvironmentOrder: [{order: 1, computeEnvironment: ce}]
            jobDefinitions:
              - jobDefinitionName: true
                containerProperties:
                  command: [sleep, 1]
                  environment: [{name: N, value: 3}]
                retryStrategy:
                  attempts: 2
                  evaluateOnExit: [{onExitCode: 137, action: retry}]
            jobs:
              - {jobName: j, jobQueue: q, jobDefinition: true, arrayProperties: {size: 3}}
            """
        let file = try DocumentLoader.parse(text: text, path: "env.yaml")
        #expect(file.computeEnvironments.first?.value.maxvCpus == 4)
        #expect(file.jobQueues.first?.value.orderedEnvironmentNames == ["ce"])
        #expect(file.jobDefinitions.first?.value.jobDefinitionName == "true")
        #expect(file.jobDefinitions.first?.value.containerProperties?.command == ["sleep", "1"])
        #expect(file.jobDefinitions.first?.value.containerProperties?.environment?.first?.value == "3")
        #expect(file.jobDefinitions.first?.value.retryStrategy?.evaluateOnExit?.first?.onExitCode == "137")
        #expect(file.jobs.first?.value.arrayProperties?.size == 3)
        #expect(file.jobs.first?.location == "env.yaml:17")
    }

    @Test func multipleDocuments() throws {
        let text = """
            jobDefinitionName: a
            containerProperties: {command: [true]}
            ---
            jobDefinitionName: b
            containerProperties: {command: [true]}
            """
        #expect(try DocumentLoader.parse(text: text, path: "x.yaml").jobDefinitions.map(\.value.jobDefinitionName) == ["a", "b"])
    }

    @Test func malformedYamlNamesFileAndLine() {
        let text = "jobDefinitionName: a\ncontainerProperties:\n  command: [echo\n  vcpus: 1\n"
        let error = #expect(throws: DroverError.self) { try DocumentLoader.parse(text: text, path: "bad.yaml") }
        #expect(error?.message.hasPrefix("bad.yaml: line ") == true)
    }

    @Test func wrongTypeNamesFieldAndLine() {
        let text = """
            jobDefinitions:
              - jobDefinitionName: ok
                containerProperties: {command: [true]}
              - jobDefinitionName: bad
                containerProperties:
                  command: [true]
                retryStrategy:
                  attempts: many
            """
        let error = #expect(throws: DroverError.self) { try DocumentLoader.parse(text: text, path: "defs.yaml") }
        #expect(error?.message.contains("defs.yaml:8: jobDefinitions[1].retryStrategy.attempts: has the wrong type: expected a number") == true)
        #expect(error?.message.contains("nothing was changed") == true)
    }

    @Test func reportsEveryProblemAtOnce() {
        let text = """
            jobDefinitions:
              - jobDefinitionName: bad name
                containerProperties: {command: [true]}
                retryStrategy:
                  attempts: 11
                  evaluateOnExit:
                    - {onStatusReason: "Host (EC2)*", action: RETRY}
                    - {onExitCode: "1*", action: MAYBE}
            jobs:
              - {jobName: j, jobQueue: q, jobDefinition: d, arrayProperties: {size: 1000001}}
            """
        let error = #expect(throws: DroverError.self) { try DocumentLoader.parse(text: text, path: "f.yaml") }
        let message = error?.message ?? ""
        #expect(message.contains("f.yaml:2: jobDefinitions[0].jobDefinitionName"))
        #expect(message.contains("f.yaml:5: jobDefinitions[0].retryStrategy.attempts: must be between 1 and 10"))
        #expect(message.contains("f.yaml:7: jobDefinitions[0].retryStrategy.evaluateOnExit[0].onStatusReason: character '('"))
        #expect(message.contains("evaluateOnExit[1].action: must be RETRY, EXIT or RETRY_NEXT_ENVIRONMENT"))
        #expect(message.contains("f.yaml:10: jobs[0].arrayProperties.size: must be between 2 and 1000000"))
    }

    @Test func simulationSettingsAreCheckedWithLinesAndFields() {
        let text = """
            simulation: {seed: 3, timeScale: 0}
            computeEnvironments:
              - computeEnvironmentName: spot
                computeResources: {type: SPOT, maxvCpus: 4, instanceTypes: [c5.large, p3.2xlarge], bidPercentage: 150}
                simulation:
                  interruptions: {band: "30%", notice: soon}
                  spotPriceFraction: 2
              - computeEnvironmentName: od
                computeResources: {type: EC2, maxvCpus: 4, instanceTypes: [m5]}
                simulation: {interruptions: {band: "<5%"}}
              - computeEnvironmentName: plain
                computeResources: {type: EC2, maxvCpus: 4}
                simulation: {startupDelay: 1m}
            jobDefinitions:
              - jobDefinitionName: d
                containerProperties: {command: ["true"]}
                retryStrategy:
                  attempts: 2
                  maxInterruptions: 500
                  evaluateOnExit: [{onSignal: SIGNOPE, action: RETRY_NEXT_ENVIRONMENT}]
            """
        let error = #expect(throws: DroverError.self) { try DocumentLoader.parse(text: text, path: "s.yaml") }
        let message = error?.message ?? ""
        #expect(message.contains("s.yaml:1: simulation.timeScale: must be above 0"))
        #expect(message.contains("s.yaml:6: computeEnvironments[0].simulation.interruptions.notice: is not valid"))
        let second = #expect(throws: DroverError.self) {
            try DocumentLoader.parse(text: text.replacing(", notice: soon", with: ""), path: "s.yaml")
        }
        let rest = second?.message ?? ""
        #expect(rest.contains("computeEnvironments[0].computeResources.instanceTypes: unknown instance type 'p3.2xlarge'"))
        #expect(rest.contains("computeEnvironments[0].computeResources.bidPercentage: must be between 1 and 100"))
        #expect(rest.contains("s.yaml:6: computeEnvironments[0].simulation.interruptions.band: must be one of"))
        #expect(rest.contains("computeEnvironments[0].simulation.spotPriceFraction: must be more than 0"))
        #expect(rest.contains("s.yaml:10: computeEnvironments[1].simulation.interruptions: applies to SPOT environments only"))
        #expect(rest.contains("computeEnvironments[2].simulation: applies to simulated instances"))
        #expect(rest.contains("jobDefinitions[0].retryStrategy.maxInterruptions: must be between 0 and 100"))
        #expect(rest.contains("evaluateOnExit[0].onSignal: \"SIGNOPE\" is not a signal"))
        let good = try? DocumentLoader.parse(text: """
            simulation: {seed: 3, timeScale: 60, hostSlots: 4}
            computeEnvironments:
              - computeEnvironmentName: spot
                computeResources: {type: SPOT, maxvCpus: 4, instanceTypes: [optimal]}
                simulation: {startupDelay: 90s, interruptions: {band: "10-15%", notice: 2m}, capacityShortages: [{at: 1h, duration: 10m}]}
            """, path: "ok.yaml")
        #expect(good?.simulation == RunSimulation(seed: 3, timeScale: 60, hostSlots: 4))
        #expect(good?.computeEnvironments.first?.value.simulation?.capacityShortages?.first?.at.seconds == 3600)
        #expect(good?.computeEnvironments.first?.value.simulation?.interruptions?.noticeSeconds == 120)
    }

    @Test func unknownObjectsAndSections() {
        #expect(throws: DroverError.self) { try DocumentLoader.parse(text: "foo: 1\n", path: "x.yaml") }
        #expect(throws: DroverError.self) { try DocumentLoader.parse(text: "jobs: []\nqueues: []\n", path: "x.yaml") }
        #expect(throws: DroverError.self) { try DocumentLoader.parse(text: "", path: "x.yaml") }
    }
}
