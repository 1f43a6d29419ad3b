import DroverCore
import Testing

/// The label `/metrics` gives a RUNNABLE job's reason: a small fixed set whatever the reason's detail.
struct RunnableReasonLabelTests {
    @Test(arguments: [
        (nil, "none"),
        ("", "none"),
        ("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT", "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"),
        ("MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE", "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE"),
        ("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"),
        ("MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS", "other"),
        (RunnableReason.noComputeEnvironment(queue: "q7"), "no_compute_environment"),
        (RunnableReason.allDisabled(queue: "a queue with spaces"), "all_environments_disabled"),
        (RunnableReason.hostSlotsBusy(limit: 12), "host_slots_busy"),
        (RunnableReason.waitingForCapacity(asked: "2 vCPUs", problems: ["a uses 2/2 vCPUs", "b is DISABLED"]), "waiting_for_capacity"),
        ("Waiting for capacity", "other"),
        ("job 0f3c7a2e-9b1d-4c55-a0e1-2f6b8d9c1e4a is stuck", "other"),
    ] as [(String?, String)])
    func labels(key: String?, label: String) {
        #expect(RunnableReason.label(ofKey: key) == label)
        #expect(RunnableReason.labels.contains(label))
    }

    @Test func theLabelsAreAFewDistinctValues() {
        #expect(Set(RunnableReason.labels).count == RunnableReason.labels.count)
        #expect(RunnableReason.labels.count <= 10)
    }
}
