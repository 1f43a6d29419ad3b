import DroverCore
import Testing

/// Placement, array-parent and dependency decisions.
struct DecisionTests {
    let one = ResourceNeed(vcpus: 1, memory: 100)

    @Test func placesOnFirstEnvironmentWithRoom() {
        let environments = [
            EnvironmentUsage(name: "spot", maxVcpus: 2, maxMemory: 1000, usedVcpus: 2),
            EnvironmentUsage(name: "on-demand", maxVcpus: 2, maxMemory: 1000),
        ]
        #expect(PlacementDecision.decide(need: one, queue: "q", environments: environments) == .place(environment: "on-demand"))
        #expect(PlacementDecision.decide(need: one, queue: "q", environments: [environments[1], environments[0]]) == .place(environment: "on-demand"))
        var free = environments
        free[0].usedVcpus = 1
        #expect(PlacementDecision.decide(need: one, queue: "q", environments: free) == .place(environment: "spot"))
    }

    @Test func waitsWhenBusyWithAReason() {
        let busy = [EnvironmentUsage(name: "a", maxVcpus: 2, maxMemory: 1000, usedVcpus: 2)]
        guard case .wait(let reason) = PlacementDecision.decide(need: one, queue: "q", environments: busy) else {
            Issue.record("expected wait")
            return
        }
        #expect(reason.hasPrefix("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"))
        #expect(reason.contains("a uses 2/2 vCPUs"))
    }

    @Test func memoryCountsToo() {
        let environments = [EnvironmentUsage(name: "a", maxVcpus: 8, maxMemory: 1000, usedMemory: 950)]
        #expect(PlacementDecision.decide(need: one, queue: "q", environments: environments) != .place(environment: "a"))
    }

    @Test func neverFitsSaysWhy() {
        let environments = [EnvironmentUsage(name: "a", maxVcpus: 2, maxMemory: 1000), EnvironmentUsage(name: "b", maxVcpus: 4, maxMemory: 1000)]
        guard case .never(let reason) = PlacementDecision.decide(need: ResourceNeed(vcpus: 8, memory: 0), queue: "q", environments: environments) else {
            Issue.record("expected never")
            return
        }
        #expect(reason.hasPrefix("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"))
        #expect(reason.contains("8 vCPUs") && reason.contains("b allows 4 vCPUs"))
    }

    @Test func disabledEnvironmentsAreSkipped() {
        let environments = [
            EnvironmentUsage(name: "a", enabled: false, maxVcpus: 2, maxMemory: 1000),
            EnvironmentUsage(name: "b", maxVcpus: 2, maxMemory: 1000),
        ]
        #expect(PlacementDecision.decide(need: one, queue: "q", environments: environments) == .place(environment: "b"))
        guard case .wait(let reason) = PlacementDecision.decide(need: one, queue: "q", environments: [environments[0]]) else {
            Issue.record("expected wait")
            return
        }
        #expect(reason.contains("DISABLED"))
    }

    @Test(arguments: [
        (3, 0, 0, JobStatus.pending), (3, 2, 0, .pending), (3, 3, 0, .succeeded), (3, 2, 1, .failed), (3, 0, 1, .pending),
    ])
    func arrayParentStatus(size: Int, succeeded: Int, failed: Int, expected: JobStatus) {
        #expect(ArrayStatus.parentStatus(size: size, succeeded: succeeded, failed: failed) == expected)
    }

    @Test func statusSummaryHasAllSevenStates() {
        let summary = ArrayStatus.summary([.running: 2, .succeeded: 5])
        #expect(summary.count == 7)
        #expect(summary["RUNNING"] == 2 && summary["SUCCEEDED"] == 5 && summary["FAILED"] == 0)
    }

    @Test(arguments: [
        ([JobStatus?](), DependencyDecision.release),
        ([.succeeded, .succeeded], .release),
        ([.succeeded, .running], .wait),
        ([.pending, .failed], .fail),
        ([nil], .fail),
    ])
    func dependencyDecision(statuses: [JobStatus?], expected: DependencyDecision) {
        #expect(DependencyDecision.decide(statuses) == expected)
    }

    @Test func refSubstitution() {
        let command = JobSpec.substitute(["convert", "Ref::input", "-q", "Ref::quality", "--out=Ref::input.out", "Ref::missing"],
                                         parameters: ["input": "a.png", "quality": "80", "in": "x"])
        #expect(command == ["convert", "a.png", "-q", "80", "--out=a.png.out", "Ref::missing"])
    }

    @Test func requestOverridesDefinition() {
        var definition = JobDefinition(name: "d", command: ["echo", "Ref::word"], retryStrategy: RetryStrategy(attempts: 2))
        definition.parameters = ["word": "default"]
        definition.containerProperties?.environment = [KeyValuePair(name: "A", value: "1"), KeyValuePair(name: "B", value: "2")]
        definition.containerProperties?.resourceRequirements = [ResourceRequirement(type: "VCPU", value: "2"), ResourceRequirement(type: "MEMORY", value: "512")]
        var request = SubmitJobRequest(jobName: "j", jobQueue: "arn:aws:batch:us-east-1:1:job-queue/high", jobDefinition: "d")
        request.parameters = ["word": "given"]
        request.containerOverrides = ContainerProperties(environment: [KeyValuePair(name: "B", value: "3")])
        request.retryStrategy = RetryStrategy(attempts: 5)
        let spec = JobSpec.resolve(request: request, definition: definition, definitionRef: "d:1")
        #expect(spec.command == ["echo", "given"])
        #expect(spec.environment == [KeyValuePair(name: "A", value: "1"), KeyValuePair(name: "B", value: "3")])
        #expect(spec.vcpus == 2 && spec.memory == 512)
        #expect(spec.maxAttempts == 5)
        #expect(spec.jobQueue == "high")
    }
}
