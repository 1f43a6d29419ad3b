import DroverCore
import Foundation
import Testing

/// No input can crash or stall the engine: poison numbers, bad variable names, alias bombs,
/// dependency cycles are refused with file, line and field; decisions never trap on stored values.
struct ValidationTests {
    /// A file with one definition whose `containerProperties` get `line` (at line 5) and one job whose
    /// `containerOverrides` get `override` (at line 9).
    static func file(_ line: String = "vcpus: 1", override: String = "vcpus: 1") -> String {
        """
        jobDefinitions:
          - jobDefinitionName: d
            containerProperties:
              command: ["true"]
              \(line)
        jobs:
          - jobName: j
            jobQueue: q
            jobDefinition: d
            containerOverrides: {\(override)}
        """
    }

    static func refusal(_ text: String, path: String = "poison.yaml") -> String {
        do {
            _ = try DocumentLoader.parse(text: text, path: path)
            return "accepted"
        } catch {
            return error.message
        }
    }

    struct Poison: CustomTestStringConvertible, Sendable {
        var yaml: String
        var field: String
        var says: String
        var testDescription: String { yaml }
    }

    static let poisons: [Poison] = [
        Poison(yaml: "vcpus: 1e19", field: "vcpus", says: "must be more than 0 and at most 10000 vCPUs (got 1e+19)"),
        Poison(yaml: "vcpus: 1e308", field: "vcpus", says: "(got 1e+308)"),
        Poison(yaml: "vcpus: .nan", field: "vcpus", says: "must be a finite number (got .nan)"),
        Poison(yaml: "vcpus: .inf", field: "vcpus", says: "must be a finite number (got .inf)"),
        Poison(yaml: "vcpus: -.inf", field: "vcpus", says: "must be a finite number (got -.inf)"),
        Poison(yaml: "vcpus: \"nan\"", field: "vcpus", says: "(got nan)"),
        Poison(yaml: "vcpus: -1", field: "vcpus", says: "(got -1)"),
        Poison(yaml: "vcpus: 0", field: "vcpus", says: "(got 0)"),
        Poison(yaml: "memory: 1e30", field: "memory", says: "must be a whole number of MiB from 1 to 1073741824 (1 PiB) (got 1e+30)"),
        Poison(yaml: "memory: 9223372036854775807", field: "memory", says: "(got 9223372036854775807)"),
        Poison(yaml: "memory: 99999999999999999999", field: "memory", says: "(got 1e+20)"),
        Poison(yaml: "memory: 512.5", field: "memory", says: "(got 512.5)"),
        Poison(yaml: "memory: -1", field: "memory", says: "(got -1)"),
        Poison(yaml: "memory: 0", field: "memory", says: "(got 0)"),
        Poison(yaml: "memory: .nan", field: "memory", says: "must be a finite number"),
        Poison(yaml: "resourceRequirements: [{type: VCPU, value: \"1e308\"}]", field: "resourceRequirements[0].value",
               says: "VCPU must be more than 0 and at most 10000 vCPUs (got 1e+308)"),
        Poison(yaml: "resourceRequirements: [{type: VCPU, value: \"NaN\"}]", field: "resourceRequirements[0].value", says: "(got nan)"),
        Poison(yaml: "resourceRequirements: [{type: VCPU, value: \"-inf\"}]", field: "resourceRequirements[0].value", says: "(got -inf)"),
        Poison(yaml: "resourceRequirements: [{type: MEMORY, value: \"1e30\"}]", field: "resourceRequirements[0].value",
               says: "MEMORY must be a whole number of MiB"),
        Poison(yaml: "resourceRequirements: [{type: MEMORY, value: \"9223372036854775807\"}]", field: "resourceRequirements[0].value",
               says: "(got 9.223372036854776e+18)"),
        Poison(yaml: "resourceRequirements: [{type: GPU, value: \"1e19\"}]", field: "resourceRequirements[0].value",
               says: "GPU must be a whole number from 0 to 1000"),
    ]

    @Test(arguments: poisons)
    func poisonResourceValuesAreRefusedInDefinitions(_ poison: Poison) {
        let message = Self.refusal(Self.file(poison.yaml))
        #expect(message.contains("poison.yaml:5: jobDefinitions[0].containerProperties.\(poison.field): "), "\(message)")
        #expect(message.contains(poison.says), "\(message)")
        #expect(message.contains("nothing was changed"))
    }

    @Test(arguments: poisons)
    func poisonResourceValuesAreRefusedInJobOverrides(_ poison: Poison) {
        let message = Self.refusal(Self.file(override: poison.yaml))
        #expect(message.contains("poison.yaml:10: jobs[0].containerOverrides.\(poison.field): "), "\(message)")
        #expect(message.contains(poison.says), "\(message)")
    }

    @Test func sensibleResourcesAreAccepted() throws {
        let text = Self.file("resourceRequirements: [{type: VCPU, value: \"0.25\"}, {type: MEMORY, value: \"2048\"}, {type: GPU, value: \"1\"}]",
                             override: "vcpus: 10000, memory: 1073741824")
        let file = try DocumentLoader.parse(text: text, path: "ok.yaml")
        #expect(file.jobDefinitions[0].value.containerProperties?.requestedVcpus == 0.25)
        #expect(file.jobDefinitions[0].value.containerProperties?.requestedMemory == 2048)
        #expect(file.jobs[0].value.containerOverrides?.requestedMemory == 1 << 30)
    }

    /// AWS refuses a definition that gives vCPUs or memory twice, in the old member and as a requirement.
    @Test(arguments: [
        ("vcpus: 2, resourceRequirements: [{type: VCPU, value: \"1\"}]", ["containerProperties.vcpus: give either vcpus or a VCPU entry in resourceRequirements, not both"]),
        ("memory: 512, resourceRequirements: [{type: memory, value: \"512\"}]", ["containerProperties.memory: give either memory or a MEMORY entry in resourceRequirements, not both"]),
        ("vcpus: 1, memory: 512, resourceRequirements: [{type: MEMORY, value: \"512\"}, {type: VCPU, value: \"1\"}]",
         ["containerProperties.vcpus: give either", "containerProperties.memory: give either"]),
        ("vcpus: 1, resourceRequirements: [{type: MEMORY, value: \"512\"}]", []),
        ("memory: 512, resourceRequirements: [{type: VCPU, value: \"1\"}, {type: GPU, value: \"1\"}]", []),
    ])
    func amountsGivenTwiceAreRefused(container: String, says: [String]) {
        let text = "jobDefinitions:\n  - jobDefinitionName: d\n    containerProperties: {command: [\"true\"], \(container)}\n"
        let message = Self.refusal(text, path: "twice.yaml")
        if says.isEmpty {
            #expect(message == "accepted")
        }
        for fragment in says {
            #expect(message.contains("twice.yaml:3: jobDefinitions[0].\(fragment)"), "\(message)")
        }
        #expect(says.isEmpty || message.contains("nothing was changed"))
    }

    /// Fields kept without local effect are named, for `drover apply`'s warning.
    @Test(arguments: [
        (#"{"jobDefinitionName": "d", "containerProperties": {"command": ["true"]}}"#, [String]()),
        (#"{"containerProperties": {"secrets": [{"name": "A", "valueFrom": "x"}], "volumes": [], "user": "nobody", "ulimits": [{}]}}"#,
         ["containerProperties.secrets", "containerProperties.user", "containerProperties.ulimits"]),
        (#"{"containerProperties": {"mountPoints": [{}], "fargatePlatformConfiguration": {"platformVersion": "LATEST"}, "resourceRequirements": [{"type": "GPU", "value": "1"}]}}"#,
         ["containerProperties.mountPoints", "containerProperties.fargatePlatformConfiguration", "containerProperties.resourceRequirements[GPU]"]),
        (#"{"platformCapabilities": ["FARGATE"], "containerProperties": {"volumes": [{"name": "v"}]}}"#,
         ["containerProperties.volumes", "platformCapabilities[FARGATE]"]),
        ("not json", []),
    ])
    func fieldsWithoutLocalEffectAreNamed(document: String, fields: [String]) {
        #expect(UnappliedFields.inDefinition(document) == fields)
    }

    @Test func submitRequestsAreCheckedByTheSameRules() {
        var request = SubmitJobRequest(jobName: "j", jobQueue: "q", jobDefinition: "d")
        request.containerOverrides = ContainerProperties(vcpus: .nan, memory: .max)
        request.timeout = JobTimeout(attemptDurationSeconds: -5)
        let issues = Validator.validate(request).map(\.description)
        #expect(issues.contains("containerOverrides.vcpus: must be more than 0 and at most 10000 vCPUs (got nan)"))
        #expect(issues.contains("containerOverrides.memory: must be a whole number of MiB from 1 to 1073741824 (1 PiB) (got 9223372036854775807)"))
        #expect(issues.contains { $0.hasPrefix("timeout.attemptDurationSeconds: must be between 1 second and one year") })
    }

    @Test func computeEnvironmentVcpusAreBounded() {
        let text = """
            computeEnvironments:
              - computeEnvironmentName: ce
                computeResources: {type: EC2, maxvCpus: 9223372036854775807, minvCpus: -1}
            """
        let message = Self.refusal(text)
        #expect(message.contains("poison.yaml:3: computeEnvironments[0].computeResources.maxvCpus: must be between 0 and 1000000"))
        #expect(message.contains("computeEnvironments[0].computeResources.minvCpus: must be between 0 and 1000000 (got -1)"))
    }

    @Test(arguments: [
        ("{name: AWS_BATCH_JOB_ID, value: x}", "environment[0].name: variables may not start with AWS_BATCH"),
        ("{name: \"\", value: x}", "environment[0].name: must not be empty"),
        ("{name: \"A=B\", value: x}", "environment[0].name: must not contain '=' (got \"A=B\")"),
        ("{name: \"A\\0B\", value: x}", "environment[0].name: must not contain a NUL character"),
        ("{name: A, value: \"x\\0y\"}", "environment[0].value: must not contain a NUL character (A)"),
    ])
    func badEnvironmentVariablesAreRefused(pair: String, says: String) {
        let definition = Self.refusal(Self.file("environment: [\(pair)]"))
        #expect(definition.contains("poison.yaml:5: jobDefinitions[0].containerProperties.\(says)"), "\(definition)")
        let job = Self.refusal(Self.file(override: "environment: [\(pair)]"))
        #expect(job.contains("jobs[0].containerOverrides.\(says)"), "\(job)")
    }

    // MARK: - Alias bombs and nesting

    /// A ~1 KB "billion laughs": nine levels of nine aliases (9^9 strings) placed by `use`.
    static func bomb(_ use: String) -> String {
        var lines = ["x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            lines.append("x\(level): &x\(level) [" + Array(repeating: "*x\(level - 1)", count: 9).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n" + use
    }

    @Test(arguments: [
        "jobs:\n  - {jobName: j, jobQueue: q, jobDefinition: d, tags: {a: *x9}}",
        "jobDefinitions:\n  - jobDefinitionName: d\n    containerProperties: {command: [\"true\"], logConfiguration: {options: *x9}}",
        "jobDefinitions:\n  - jobDefinitionName: d\n    propagateTags: *x9",
        "jobDefinitions:\n  - jobDefinitionName: d\n    tags: {? *x9 : 1}",
        "somewhere: *x9",
    ])
    func aliasBombIsRefusedQuickly(use: String) {
        let text = Self.bomb(use)
        #expect(text.utf8.count < 1300)
        let clock = ContinuousClock()
        let start = clock.now
        let error = #expect(throws: DroverError.self) { try DocumentLoader.parse(text: text, path: "laughs.yaml") }
        #expect(clock.now - start < .seconds(1))
        let message = error?.message ?? ""
        #expect(message.hasPrefix("laughs.yaml:"), "\(message)")
        #expect(message.contains("the YAML aliases expand to more than 100000 nodes"), "\(message)")
    }

    @Test func modestAliasesStillWork() throws {
        let text = """
            shared: &shared {command: ["true"], resourceRequirements: [{type: VCPU, value: "1"}]}
            jobDefinitions:
              - {jobDefinitionName: a, containerProperties: *shared}
              - {jobDefinitionName: b, containerProperties: *shared}
            """
        let message = Self.refusal(text)
        #expect(message.contains("unknown section"), "the stray key is reported, the aliases are fine: \(message)")
        let file = try DocumentLoader.parse(text: "jobDefinitions:\n  - &a {jobDefinitionName: a, containerProperties: {command: [\"true\"]}}\n", path: "ok.yaml")
        #expect(file.jobDefinitions.count == 1)
    }

    @Test func deepNestingIsRefused() {
        let plain = "jobDefinitionName: d\ntags: " + String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(Self.refusal(plain, path: "deep.yaml").hasPrefix("deep.yaml:2: nests more than 64 levels deep"))
        let stacked = "a: &a " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
            + "\nb: " + String(repeating: "[", count: 30) + "*a" + String(repeating: "]", count: 30)
        #expect(Self.refusal(stacked, path: "deep.yaml").hasPrefix("deep.yaml:2: alias *a nests more than 64 levels deep"))
    }

    // MARK: - Dependency cycles

    @Test func dependencyCycleIsNamedWithItsJobs() {
        let text = """
            jobs:
              - {jobName: a, jobQueue: q, jobDefinition: d, dependsOn: [{jobName: c}]}
              - {jobName: b, jobQueue: q, jobDefinition: d, dependsOn: [{jobName: a}]}
              - {jobName: c, jobQueue: q, jobDefinition: d, dependsOn: [{jobName: b}]}
            """
        let message = Self.refusal(text, path: "cycle.yaml")
        #expect(message.contains("cycle.yaml:2: jobs[0].dependsOn: circular dependency: a -> c -> b -> a (a cycle: none of these jobs could ever start)"), "\(message)")
        let own = Self.refusal("jobs:\n  - {jobName: x, jobQueue: q, jobDefinition: d, dependsOn: [{jobName: x}]}\n", path: "self.yaml")
        #expect(own.contains("self.yaml:2: jobs[0].dependsOn: circular dependency: x -> x"), "\(own)")
    }

    @Test func longDependencyChainsNeedNoDeepRecursion() throws {
        let count = 100_000
        let requests = (0..<count).map { index in
            SubmitJobRequest(jobName: "j\(index)", jobQueue: "q", jobDefinition: "d",
                             dependsOn: index + 1 < count ? [JobDependency(jobName: "j\(index + 1)")] : nil)
        }
        let ordered = try DependencyOrder.sorted(requests).get()
        #expect(ordered.first?.jobName == "j\(count - 1)" && ordered.last?.jobName == "j0")
        var looped = requests
        looped[count - 1].dependsOn = [JobDependency(jobName: "j0")]
        guard case .failure(.cycle(let names)) = DependencyOrder.sorted(looped) else { Issue.record("expected a cycle"); return }
        #expect(names.count == count + 1 && names.first == "j0" && names.last == "j0")
    }

    // MARK: - Defence in depth: decisions on stored values never trap

    @Test func placementOnHugeOrNonFiniteNeedsSaysNever() {
        let environments = [EnvironmentUsage(name: "ce", maxVcpus: 4, maxMemory: 1024, usedMemory: 512)]
        for (need, code) in [(ResourceNeed(vcpus: 1e19, memory: 0), RunnableReason.computeEnvironmentMaxResource),
                             (ResourceNeed(vcpus: .nan, memory: 0), .computeEnvironmentMaxResource),
                             (ResourceNeed(vcpus: .infinity, memory: 0), .computeEnvironmentMaxResource),
                             (ResourceNeed(vcpus: 1, memory: .max), .jobResourceRequirement)] {
            var capacity = PlacementCapacity(usage: ["ce": environments[0]])
            let decision = PlacementDecision.decide(need: need, queue: "q", environments: [PlacementEnvironment(name: "ce", kind: .local)],
                                                    capacity: &capacity) { _ in .never("no fleet", misfit: .jobResourceRequirement) }
            guard case .never(let reason) = decision else {
                Issue.record("\(need) must never fit")
                continue
            }
            #expect(reason.hasPrefix(code.rawValue + " - "))
        }
        #expect(!environments[0].hasRoom(for: ResourceNeed(vcpus: 1, memory: .max)))
        #expect(PlacementDecision.format(1e19) == "1e+19" && PlacementDecision.format(.nan) == "nan" && PlacementDecision.format(-.infinity) == "-inf")
        #expect(PlacementDecision.format(2) == "2" && PlacementDecision.format(0.5) == "0.5")
    }

    @Test func fleetAndExperimentsSaturate() throws {
        var resources = ComputeResources(type: "SPOT", maxvCpus: .max)
        resources.instanceTypes = ["c5.large"]
        var fleet = try #require(Fleet(ComputeEnvironment(name: "spot", computeResources: resources), seed: 1))
        guard case .never(let reason, .computeEnvironmentMaxResource) = fleet.place(ResourceNeed(vcpus: 1e19, memory: .max), now: 0) else {
            Issue.record("a huge need must never fit")
            return
        }
        #expect(reason.contains("allows 9.223372036854776e+18 vCPUs"))
        var experiment = Experiment(id: "exp-1", computeEnvironment: "spot", action: .interrupt, createdAt: 0)
        for percent in [1e300, .nan, .infinity, -5] {
            experiment.percent = percent
            #expect((0...3).contains(experiment.targetCount(running: 3)))
        }
        experiment.everySeconds = .infinity
        #expect(experiment.summary.contains("every infs"))
        #expect(ArrayStatus.parentStatus(size: .max, succeeded: .max, failed: 1) == .failed)
        #expect(SimulatedDuration.parse("1e308d") == nil)
        #expect(Int(saturating: 1e19) == .max && Int(saturating: -.infinity) == .min && Int(saturating: .nan) == 0 && Int(saturating: 2.9) == 2)
        #expect(Int.max.adding(saturating: 1) == .max && Int.min.adding(saturating: -1) == .min)
    }

    @Test func parameterValuesAreNotSearchedAgain() {
        var parameters: [String: String] = [:]
        for index in 0..<10 {
            parameters["p\(index)"] = String(repeating: "Ref::p\(index + 1) ", count: 16)
        }
        let command = JobSpec.substitute(["Ref::p0", "Ref::p10x", "Ref::p1Ref::nope"], parameters: parameters)
        #expect(command[0] == parameters["p0"])
        #expect(command[1] == parameters["p1"]! + "0x", "the longest name that matches wins: p1, then text")
        #expect(command[2] == parameters["p1"]! + "Ref::nope")
    }
}
