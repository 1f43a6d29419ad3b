import DroverCore
import Testing

/// AWS's rule for the deprecated `containerOverrides.vcpus` and `memory`: they cannot override a requirement the
/// definition gives in `resourceRequirements`; only a `resourceRequirements` override can.
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
        // definition's requirements, override vcpus, override memory, override requirement: refused fields
        (nil, 2.0, 512, nil, []),
        (both, nil, nil, ResourceRequirement(type: "VCPU", value: "2"), []),
        (both, 2.0, nil, nil, ["containerOverrides.vcpus"]),
        (both, nil, 512, nil, ["containerOverrides.memory"]),
        (both, 0.5, 512, nil, ["containerOverrides.vcpus", "containerOverrides.memory"]),
        (vcpuOnly, nil, 512, nil, []),
        (vcpuOnly, 2.0, nil, ResourceRequirement(type: "VCPU", value: "2"), ["containerOverrides.vcpus"]),
    ] as [([ResourceRequirement]?, Double?, Int?, ResourceRequirement?, [String])])
    func deprecatedKeysCannotOverrideRequirements(
        requirements: [ResourceRequirement]?, vcpus: Double?, memory: Int?, requirement: ResourceRequirement?, refused: [String]
    ) {
        var overrides = ContainerProperties(vcpus: vcpus, memory: memory)
        overrides.resourceRequirements = requirement.map { [$0] }
        let issues = Validator.validate(overrides, against: Self.definition(requirements), named: "d:1")
        #expect(issues.map(\.field) == refused)
        for issue in issues {
            #expect(issue.message.contains("cannot override job definition d:1"))
            #expect(issue.message.contains("give containerOverrides.resourceRequirements"))
        }
    }
}
