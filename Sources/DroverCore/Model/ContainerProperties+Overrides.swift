extension ContainerProperties {
    /// `self` as a request's `containerOverrides` over a definition's container properties `base`, with what AWS
    /// ignores left out: the deprecated `vcpus` and `memory` do not override a VCPU or MEMORY that the definition gives
    /// in `resourceRequirements` (only a `resourceRequirements` override does). AWS accepts such a request and runs the
    /// job with the definition's value; `ignored` names the members left out (`vcpus`, `memory`).
    public func applicable(over base: ContainerProperties) -> (overrides: ContainerProperties, ignored: [String]) {
        let given = Set((base.resourceRequirements ?? []).map { $0.type.uppercased() })
        var overrides = self
        var ignored: [String] = []
        if overrides.vcpus != nil, given.contains("VCPU") {
            overrides.vcpus = nil
            ignored.append("vcpus")
        }
        if overrides.memory != nil, given.contains("MEMORY") {
            overrides.memory = nil
            ignored.append("memory")
        }
        return (overrides, ignored)
    }
}
