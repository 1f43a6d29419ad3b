extension Validator {
    /// Checks the `simulation` block of a compute environment.
    static func validate(_ settings: SimulationSettings, environment: ComputeEnvironment) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if !environment.isSimulated {
            issues.append(.init(field: "simulation", message: "applies to simulated instances: give computeResources.type EC2 or SPOT and instanceTypes"))
        }
        let spot = environment.computeResources?.type == "SPOT"
        let spotOnly: [(String, Bool)] = [
            ("interruptions", settings.interruptions != nil), ("capacityShortages", settings.capacityShortages != nil),
            ("shortagesPerHour", settings.shortagesPerHour != nil), ("spotPriceFraction", settings.spotPriceFraction != nil),
            ("spotPrices", settings.spotPrices != nil),
        ]
        for (field, given) in spotOnly where given && !spot && environment.isSimulated {
            issues.append(.init(field: "simulation.\(field)", message: "applies to SPOT environments only (computeResources.type is \(environment.computeResources?.type ?? "EC2"))"))
        }
        let durations: [(String, Double?)] = [
            ("startupDelay", settings.startupDelay?.seconds), ("idleTimeout", settings.idleTimeout?.seconds),
            ("shortageDuration", settings.shortageDuration?.seconds), ("interruptions.notice", settings.interruptions?.notice?.seconds),
        ]
        for (field, seconds) in durations {
            if let seconds, !(0...31_536_000).contains(seconds) {
                issues.append(.init(field: "simulation.\(field)", message: "must be between 0 and one year (got \(seconds) s)"))
            }
        }
        if let interruptions = settings.interruptions {
            if let band = interruptions.band, !InterruptionSettings.bands.contains(where: { $0.name == band }) {
                let names = InterruptionSettings.bands.map { "\"\($0.name)\"" }.joined(separator: ", ")
                issues.append(.init(field: "simulation.interruptions.band", message: "must be one of \(names) (got \"\(band)\")"))
            }
            if let rate = interruptions.ratePerHour, !(0...1).contains(rate) {
                issues.append(.init(field: "simulation.interruptions.ratePerHour", message: "is the chance per instance-hour, between 0 and 1 (got \(rate))"))
            }
        }
        if let perHour = settings.shortagesPerHour, !(0...3600).contains(perHour) {
            issues.append(.init(field: "simulation.shortagesPerHour", message: "must be between 0 and 3600 (got \(perHour))"))
        }
        for (index, window) in (settings.capacityShortages ?? []).enumerated()
        where !(0...31_536_000).contains(window.at.seconds) || !(0...31_536_000).contains(window.duration.seconds) {
            issues.append(.init(field: "simulation.capacityShortages[\(index)]", message: "at and duration must be between 0 and one year"))
        }
        if let fraction = settings.spotPriceFraction, !(fraction > 0 && fraction <= 1) {
            issues.append(.init(field: "simulation.spotPriceFraction", message: "must be more than 0 and at most 1 (got \(fraction))"))
        }
        for (type, price) in (settings.spotPrices ?? [:]).sorted(by: { $0.key < $1.key }) {
            if !InstanceCatalog.types.contains(where: { $0.name == type }) {
                issues.append(.init(field: "simulation.spotPrices.\(type)", message: "unknown instance type; the simulator knows \(InstanceCatalog.types.map(\.name).joined(separator: ", "))"))
            } else if !(price > 0 && price.isFinite) {
                issues.append(.init(field: "simulation.spotPrices.\(type)", message: "must be a price per hour above 0 (got \(price))"))
            }
        }
        return issues
    }
}
