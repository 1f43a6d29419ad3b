import Foundation

/// Drover's `simulation` block on a compute environment (an extension: AWS ignores nothing here
/// because it never sees it). It tunes how the environment's simulated instances behave.
///
/// Durations are simulated seconds, written as numbers or as `90s`, `2m`, `1h`.
public struct SimulationSettings: Codable, Sendable, Equatable {
    /// Time from launching an instance to its taking jobs (default 0).
    public var startupDelay: SimulatedDuration?
    /// How long an instance stays up with no job before it is scaled in (default 60 s).
    public var idleTimeout: SimulatedDuration?
    /// SPOT only: how often instances are reclaimed.
    public var interruptions: InterruptionSettings?
    /// SPOT only: periods when no new spot instance can be had.
    public var capacityShortages: [ShortageWindow]?
    /// SPOT only: random shortages per simulated hour (each lasting `shortageDuration`).
    public var shortagesPerHour: Double?
    /// Length of a random shortage (default 10 minutes).
    public var shortageDuration: SimulatedDuration?
    /// SPOT only: spot price as a fraction of the on-demand price (default 0.3).
    public var spotPriceFraction: Double?
    /// SPOT only: spot price per hour by instance type, overriding `spotPriceFraction`.
    public var spotPrices: [String: Double]?

    /// Creates settings.
    public init(startupDelay: Double? = nil, idleTimeout: Double? = nil, interruptions: InterruptionSettings? = nil,
                capacityShortages: [ShortageWindow]? = nil, spotPriceFraction: Double? = nil) {
        self.startupDelay = startupDelay.map(SimulatedDuration.init(seconds:))
        self.idleTimeout = idleTimeout.map(SimulatedDuration.init(seconds:))
        self.interruptions = interruptions
        self.capacityShortages = capacityShortages
        self.spotPriceFraction = spotPriceFraction
    }

    /// Default spot price fraction: spot instances at 30% of on-demand (a 70% discount).
    public static let defaultSpotPriceFraction = 0.3
}

/// How often a SPOT environment's instances are reclaimed.
public struct InterruptionSettings: Codable, Sendable, Equatable {
    /// An AWS Spot Advisor frequency band: `<5%`, `5-10%`, `10-15%`, `15-20%` or `>20%`, read as
    /// the chance that an instance is reclaimed within a simulated instance-hour.
    public var band: String?
    /// Or the hourly chance itself (0...1), overriding `band`.
    public var ratePerHour: Double?
    /// Warning between the notice and the instance's end (AWS: 2 minutes).
    public var notice: SimulatedDuration?

    /// Creates interruption settings.
    public init(band: String? = nil, ratePerHour: Double? = nil, notice: Double? = nil) {
        self.band = band
        self.ratePerHour = ratePerHour
        self.notice = notice.map(SimulatedDuration.init(seconds:))
    }

    /// The bands and the hourly chance each stands for (its middle; 25% for `>20%`).
    public static let bands: [(name: String, chance: Double)] = [
        ("<5%", 0.025), ("5-10%", 0.075), ("10-15%", 0.125), ("15-20%", 0.175), (">20%", 0.25),
    ]

    /// The chance per simulated instance-hour that an instance is reclaimed, nil for an unknown band.
    public var hourlyChance: Double? {
        if let ratePerHour { return ratePerHour }
        guard let band else { return 0 }
        return Self.bands.first { $0.name == band }?.chance
    }

    /// The rate of the exponential distribution with that hourly chance, per simulated second.
    public var ratePerSecond: Double {
        let chance = min(max(hourlyChance ?? 0, 0), 0.999_999)
        return -log(1 - chance) / 3600
    }

    /// Notice length in simulated seconds (default 120).
    public var noticeSeconds: Double { notice?.seconds ?? 120 }
}

/// A period, in simulated time since the engine started, when no new spot instance launches.
public struct ShortageWindow: Codable, Sendable, Equatable {
    /// Start, counted from the engine's start.
    public var at: SimulatedDuration
    /// Length.
    public var duration: SimulatedDuration

    /// Creates a window.
    public init(at: Double, duration: Double) {
        self.at = SimulatedDuration(seconds: at)
        self.duration = SimulatedDuration(seconds: duration)
    }
}

/// A length of simulated time, decoded from seconds (`90`) or text (`90s`, `2m`, `1.5h`).
public struct SimulatedDuration: Codable, Sendable, Equatable {
    /// Seconds.
    public var seconds: Double

    /// Creates a duration.
    public init(seconds: Double) {
        self.seconds = seconds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            seconds = number
        } else if let text = try? container.decode(String.self), let parsed = Self.parse(text) {
            seconds = parsed
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "expected seconds or a duration such as 90s, 2m, 1h"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(seconds)
    }

    /// Parses `90`, `90s`, `2m`, `1.5h`, `1d`; nil when the text is not a non-negative duration.
    public static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var number = Substring(trimmed)
        var factor = 1.0
        if let last = trimmed.last, let unit = units[last] {
            number = trimmed.dropLast()
            factor = unit
        }
        guard let value = Double(number), value >= 0, (value * factor).isFinite else { return nil }
        return value * factor
    }
}
