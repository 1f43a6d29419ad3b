/// One EC2 instance type the simulator knows: its size and its on-demand price.
public struct InstanceType: Sendable, Equatable, Codable {
    /// API name, such as `c5.large`.
    public var name: String
    /// vCPUs.
    public var vcpus: Double
    /// Memory in MiB.
    public var memoryMiB: Int
    /// On-demand price in US dollars per hour (Linux, us-east-1).
    public var onDemandHourly: Double

    /// Creates an instance type.
    public init(name: String, vcpus: Double, memoryMiB: Int, onDemandHourly: Double) {
        self.name = name
        self.vcpus = vcpus
        self.memoryMiB = memoryMiB
        self.onDemandHourly = onDemandHourly
    }

    /// Family part of the name (`c5` for `c5.large`).
    public var family: String { String(name.prefix { $0 != "." }) }
}

/// The small built-in catalogue of instance types, with the names `instanceTypes` accepts: a type
/// (`c5.large`), a family (`m5`: every size of it) or `optimal` (the c5, m5 and r5 families, as AWS
/// Batch picks from the current compute, general-purpose and memory families).
public enum InstanceCatalog {
    /// Every known type. Prices are us-east-1 Linux on-demand list prices per hour.
    public static let types: [InstanceType] = {
        let sizes: [(String, Double)] = [("large", 2), ("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16)]
        let families: [(name: String, gibPerVcpu: Int, hourlyPerVcpu: Double)] = [
            ("c5", 2, 0.0425), ("m5", 4, 0.048), ("r5", 8, 0.063),
        ]
        return families.flatMap { family in
            sizes.map { size, vcpus in
                InstanceType(name: "\(family.name).\(size)", vcpus: vcpus, memoryMiB: Int(vcpus) * family.gibPerVcpu * 1024,
                             onDemandHourly: (vcpus * family.hourlyPerVcpu * 1000).rounded() / 1000)
            }
        }
    }()

    /// Families `optimal` stands for.
    public static let optimalFamilies = ["c5", "m5", "r5"]

    /// The types `names` select, in catalogue order, or the first name that selects nothing.
    public static func resolve(_ names: [String]) -> Result<[InstanceType], UnknownInstanceType> {
        var selected: [InstanceType] = []
        for name in names {
            let matches: [InstanceType]
            if name == "optimal" {
                matches = types.filter { optimalFamilies.contains($0.family) }
            } else if name.contains(".") {
                matches = types.filter { $0.name == name }
            } else {
                matches = types.filter { $0.family == name }
            }
            if matches.isEmpty { return .failure(UnknownInstanceType(name: name)) }
            for type in matches where !selected.contains(type) { selected.append(type) }
        }
        return .success(types.filter { selected.contains($0) })
    }

    /// The names users may write, for error messages.
    public static var knownNames: String {
        (["optimal"] + optimalFamilies + types.map(\.name)).joined(separator: ", ")
    }
}

/// An `instanceTypes` entry that is not in the catalogue.
public struct UnknownInstanceType: Error, Equatable {
    /// The name as written.
    public var name: String

    /// Creates the error for `name`.
    public init(name: String) {
        self.name = name
    }
}
