import DroverCore
import Testing

/// Array-parent and dependency decisions (placement: ``PlacementTests``).
struct DecisionTests {
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

/// The job state machine, as a table: which changes of status are allowed, and by which transition.
struct JobTransitionTests {
    @Test(arguments: [
        (JobStatus.pending, JobStatus.runnable, [JobTransition.release]),
        (.pending, .failed, [.dependencyFailed, .cancel, .arrayFinished]),
        (.pending, .succeeded, [.arrayFinished]),
        (.runnable, .starting, [.claim]),
        (.runnable, .running, [.claim]),
        (.starting, .running, [.start]),
        (.running, .succeeded, [.finish]),
        (.starting, .failed, [.finish]),
        (.running, .runnable, [.finish, .requeue]),
        (.runnable, .failed, [.cancel]),
        (.submitted, .failed, [.cancel]),
        (.running, .pending, []),
        (.succeeded, .runnable, []),
        (.failed, .runnable, []),
        (.failed, .pending, [.rerun]),
        (.succeeded, .pending, []),
        (.runnable, .succeeded, []),
        (.starting, .starting, []),
    ] as [(JobStatus, JobStatus, [JobTransition])])
    func allowedChanges(from: JobStatus, to: JobStatus, by: [JobTransition]) {
        #expect(JobTransition.between(from, to) == by)
    }

    @Test func finishedJobsNeverChange() {
        for transition in JobTransition.allCases where transition != .rerun {
            #expect(transition.from.isDisjoint(with: [.succeeded, .failed]), "\(transition) leaves a finished job")
        }
        // Only a user's `retry-failed` runs a failed job again; a succeeded one never changes.
        #expect(JobTransition.rerun.from == [.failed])
        #expect(JobStatus.active == [.starting, .running])
        #expect(JobStatus.waiting == [.submitted, .pending, .runnable])
        #expect(JobStatus.allCases.filter(\.isCancellable) == [.submitted, .pending, .runnable])
    }
}
