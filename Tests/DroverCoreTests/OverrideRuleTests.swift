import DroverCore
import Testing

/// AWS's rule for the deprecated `containerOverrides.vcpus` and `memory`: they do not override a requirement the
/// definition gives in `resourceRequirements` (AWS accepts the request and ignores them); only a
/// `resourceRequirements` override does.
struct OverrideRuleTests {
    static func definition(_ requirements: [ResourceRequirement]?) -> JobDefinition {
        var definition = JobDefinition(name: "d", command: ["true"])
        definition.containerProperties?.vcpus = requirements == nil ? 1 : nil
        definition.containerProperties?.resourceRequirements = requirements
        return definition
    }

    static let both = [ResourceRequirement(type: "VCPU", value: "1"), ResourceRequirement(type: "memory", value: "256")]
    static let vcpuOnly = [ResourceRequirement(type: "VCPU", value: "1")]

    @Test(arguments: [
        // definition's requirements, override vcpus, override memory, override requirement: ignored, vCPUs and MiB the job gets
        (nil, 2.0, 512, nil, [], 2.0, 512),
        (both, nil, nil, ResourceRequirement(type: "VCPU", value: "2"), [], 2.0, 256),
        (both, 2.0, nil, nil, ["vcpus"], 1.0, 256),
        (both, nil, 512, nil, ["memory"], 1.0, 256),
        (both, 0.5, 512, nil, ["vcpus", "memory"], 1.0, 256),
        (vcpuOnly, nil, 512, nil, [], 1.0, 512),
        (vcpuOnly, 4.0, nil, ResourceRequirement(type: "VCPU", value: "2"), ["vcpus"], 2.0, 0),
    ] as [([ResourceRequirement]?, Double?, Int?, ResourceRequirement?, [String], Double, Int)])
    func deprecatedKeysDoNotOverrideRequirements(
        requirements: [ResourceRequirement]?, vcpus: Double?, memory: Int?, requirement: ResourceRequirement?, ignored: [String],
        jobVcpus: Double, jobMemory: Int
    ) {
        var overrides = ContainerProperties(vcpus: vcpus, memory: memory)
        overrides.resourceRequirements = requirement.map { [$0] }
        let definition = Self.definition(requirements)
        #expect(overrides.applicable(over: definition.containerProperties ?? ContainerProperties()).ignored == ignored)
        var request = SubmitJobRequest(jobName: "j", jobQueue: "q", jobDefinition: "d")
        request.containerOverrides = overrides
        let spec = JobSpec.resolve(request: request, definition: definition, definitionRef: "d:1")
        #expect(spec.vcpus == jobVcpus)
        #expect(spec.memory == jobMemory)
    }
}
