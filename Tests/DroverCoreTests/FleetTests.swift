import DroverCore
import Foundation
import Testing

/// The simulated fleet as a pure value: placement, packing, start-up, scale-in, reclaims,
/// shortages, prices and seeds, all in simulated time with no clock.
struct FleetTests {
    static func environment(_ type: String = "SPOT", maxvCpus: Int = 8, instanceTypes: [String] = ["c5.large"],
                            settings: SimulationSettings? = nil) -> ComputeEnvironment {
        var resources = ComputeResources(type: type, maxvCpus: maxvCpus)
        resources.instanceTypes = instanceTypes
        var environment = ComputeEnvironment(name: "spot", computeResources: resources)
        environment.simulation = settings
        return environment
    }

    static let one = ResourceNeed(vcpus: 1, memory: 512)

    @Test func catalogueNamesTypesFamiliesAndOptimal() throws {
        let optimal = try InstanceCatalog.resolve(["optimal"]).get()
        #expect(Set(optimal.map(\.family)) == ["c5", "m5", "r5"])
        #expect(try InstanceCatalog.resolve(["m5"]).get().map(\.name) == ["m5.large", "m5.xlarge", "m5.2xlarge", "m5.4xlarge"])
        let large = try #require(InstanceCatalog.types.first { $0.name == "c5.large" })
        #expect(large.vcpus == 2 && large.memoryMiB == 4096 && large.onDemandHourly == 0.085)
        #expect(InstanceCatalog.resolve(["p3.2xlarge"]) == .failure(UnknownInstanceType(name: "p3.2xlarge")))
        #expect(!ComputeEnvironment(name: "x", computeResources: ComputeResources(type: "EC2", maxvCpus: 2)).isSimulated)
        #expect(Self.environment().isSimulated)
    }

    @Test func packsJobsByVcpuAndMemoryAndRespectsMaxVcpus() throws {
        var fleet = try #require(Fleet(Self.environment(maxvCpus: 4), seed: 1))
        guard case .instance(let first) = fleet.place(Self.one, now: 0) else { Issue.record("no instance"); return }
        #expect(fleet.place(Self.one, now: 0) == .instance(first), "the second 1-vCPU job shares the 2-vCPU c5.large")
        guard case .instance(let second) = fleet.place(Self.one, now: 0) else { Issue.record("no second instance"); return }
        #expect(second != first)
        let big = fleet.place(ResourceNeed(vcpus: 1, memory: 4000), now: 0)
        #expect(big.isUnavailable, "4000 MiB fits next to no 512 MiB job, and maxvCpus allows no third instance")
        _ = fleet.place(Self.one, now: 0)
        guard case .unavailable(let reason) = fleet.place(Self.one, now: 0) else { Issue.record("maxvCpus not enforced"); return }
        #expect(reason.contains("runs 4 of its 4 maxvCpus") && RunnableReason.code(of: reason) == nil, "no code of Drover's own")
        guard case .never(let never, let misfit) = fleet.place(ResourceNeed(vcpus: 4, memory: 0), now: 0) else { Issue.record("too big must be never"); return }
        #expect(never.contains("c5.large") && misfit == .jobResourceRequirement, "within maxvCpus, but no instance type holds it")
        guard case .never(_, let beyond) = fleet.place(ResourceNeed(vcpus: 8, memory: 0), now: 0) else { Issue.record("above maxvCpus must be never"); return }
        #expect(beyond == .computeEnvironmentMaxResource)
    }

    @Test func startupDelayThenReadyThenScaleIn() throws {
        var fleet = try #require(Fleet(Self.environment(settings: SimulationSettings(startupDelay: 30, idleTimeout: 60)), seed: 1))
        guard case .pending(let id) = fleet.place(Self.one, now: 0) else { Issue.record("expected a launch"); return }
        #expect(fleet.takeEvents().map(\.kind) == [.launched])
        #expect(fleet.place(Self.one, now: 1) == .pending(id), "a second job waits for the same starting instance")
        fleet.beginPass()
        #expect(fleet.advance(to: 29).isEmpty)
        #expect(fleet.advance(to: 30).map(\.kind) == [.ready])
        #expect(fleet.place(Self.one, now: 30) == .instance(id))
        fleet.release(Self.one, from: id, now: 40)
        #expect(fleet.advance(to: 99).isEmpty, "idle for 59 s: still up")
        let ended = fleet.advance(to: 100)
        #expect(ended.map(\.kind) == [.terminated] && ended[0].instance.endReason == "scaled in")
        #expect(ended[0].instance.lifetime(now: 100) == 100)
        #expect(fleet.instances.isEmpty)
    }

    @Test func reclaimGivesNoticeThenEnds() throws {
        let settings = SimulationSettings(interruptions: InterruptionSettings(ratePerHour: 0.5, notice: 120))
        var fleet = try #require(Fleet(Self.environment(settings: settings), seed: 42))
        guard case .instance(let id) = fleet.place(Self.one, now: 0) else { Issue.record("no instance"); return }
        let at = try #require(fleet.instances.first?.interruptAt)
        #expect(at.isFinite && at > 0)
        _ = fleet.takeEvents()
        #expect(fleet.advance(to: at - 0.001).isEmpty)
        let notice = fleet.advance(to: at)
        #expect(notice.map(\.kind) == [.notice] && notice[0].instance.killAt == at + 120)
        #expect(notice[0].instance.hostTerminatedReason == "Host EC2 (instance \(id)) terminated.")
        guard case .instance(let replacement) = fleet.place(Self.one, now: at + 1) else { Issue.record("no replacement"); return }
        #expect(replacement != id, "a reclaimed instance takes no new job")
        let end = fleet.advance(to: at + 120).filter { $0.instance.id == id }
        #expect(end.map(\.kind) == [.terminated] && end.first?.instance.endReason == "interrupted")
    }

    @Test func onDemandIsNeverReclaimedAndCostsListPrice() throws {
        let settings = SimulationSettings(interruptions: InterruptionSettings(ratePerHour: 1))
        var fleet = try #require(Fleet(Self.environment("EC2", settings: settings), seed: 3))
        _ = fleet.place(Self.one, now: 0)
        #expect(fleet.instances[0].interruptAt == .infinity)
        #expect(fleet.instances[0].hourlyPrice == 0.085)
    }

    /// Hand-checked: a c5.large (2 vCPUs, $0.085/h on demand) at spot fraction 0.3 costs
    /// $0.0255/h. One vCPU held for one simulated hour is half of that: $0.01275 (on demand
    /// $0.0425); for 90 minutes, 1.5 times as much.
    @Test func costArithmetic() throws {
        var fleet = try #require(Fleet(Self.environment(settings: SimulationSettings(spotPriceFraction: 0.3)), seed: 1))
        _ = fleet.place(Self.one, now: 0)
        let instance = fleet.instances[0]
        #expect(abs(instance.hourlyPrice - 0.0255) < 1e-12)
        let hour = instance.charge(vcpus: 1, seconds: 3600)
        #expect(abs(hour.cost - 0.01275) < 1e-12 && abs(hour.onDemandCost - 0.0425) < 1e-12)
        let longer = instance.charge(vcpus: 2, seconds: 5400)
        #expect(abs(longer.cost - 0.03825) < 1e-12 && abs(longer.onDemandCost - 0.1275) < 1e-12)
        var listed = SimulationSettings()
        listed.spotPrices = ["c5.large": 0.04]
        var priced = try #require(Fleet(Self.environment(settings: listed), seed: 1))
        _ = priced.place(Self.one, now: 0)
        #expect(priced.instances[0].hourlyPrice == 0.04)
    }

    @Test func shortagesBlockNewSpotInstancesOnly() throws {
        let settings = SimulationSettings(capacityShortages: [ShortageWindow(at: 100, duration: 50)])
        var fleet = try #require(Fleet(Self.environment(maxvCpus: 16, settings: settings), seed: 1))
        guard case .instance = fleet.place(Self.one, now: 0) else { Issue.record("no instance before the shortage"); return }
        let shared = fleet.place(Self.one, now: 120)
        #expect(shared.isInstance, "room on a running instance is still used")
        guard case .insufficientCapacity(let type, let detail) = fleet.place(Self.one, now: 120) else { Issue.record("shortage ignored"); return }
        #expect(type == "c5.large" && detail == "no spot capacity in spot", "no countdown: the reason is written when it changes")
        _ = fleet.advance(to: 150)
        let after = fleet.place(Self.one, now: 150)
        #expect(after.isInstance)
        fleet.addShortage(from: 200, until: 10_000, experiment: "exp-1")
        let blocked = fleet.place(ResourceNeed(vcpus: 2, memory: 0), now: 201)
        #expect(blocked.isUnavailable)
        fleet.endShortages(of: "exp-1", now: 202)
        _ = fleet.advance(to: 202)
        let restored = fleet.place(ResourceNeed(vcpus: 2, memory: 0), now: 203)
        #expect(restored.isInstance)
    }

    @Test func experimentInterruptTargetsARunningInstance() throws {
        var fleet = try #require(Fleet(Self.environment(), seed: 9))
        _ = fleet.place(Self.one, now: 0)
        let id = fleet.targetable[0]
        let first = fleet.interrupt(id, now: 5, experiment: "exp-abc")
        #expect(first)
        let events = fleet.takeEvents()
        #expect(events.last?.kind == .notice && events.last?.instance.experiment == "exp-abc" && events.last?.instance.killAt == 125)
        let again = fleet.interrupt(id, now: 6, experiment: "exp-abc")
        #expect(!again, "an instance is reclaimed once")
        #expect(fleet.targetable.isEmpty)
    }

    @Test func sameSeedSameFleetOtherSeedOtherFleet() throws {
        let settings = SimulationSettings(interruptions: InterruptionSettings(band: ">20%"))
        func draw(_ seed: UInt64) throws -> [String] {
            var fleet = try #require(Fleet(Self.environment(maxvCpus: 64, settings: settings), seed: seed))
            for _ in 0..<10 { _ = fleet.place(ResourceNeed(vcpus: 2, memory: 0), now: 0) }
            return fleet.instances.map { "\($0.id)@\($0.interruptAt)" }
        }
        #expect(try draw(7) == draw(7))
        #expect(try draw(7) != draw(8))
        let ids = try draw(7).map { String($0.prefix { $0 != "@" }) }
        #expect(ids.allSatisfy { $0.count == 19 && $0.hasPrefix("i-") && $0.dropFirst(2).allSatisfy(\.isHexDigit) })
    }

    @Test func bandsMeanHourlyChances() {
        #expect(InterruptionSettings(band: "<5%").hourlyChance == 0.025)
        #expect(InterruptionSettings(band: ">20%").hourlyChance == 0.25)
        #expect(InterruptionSettings(band: "30%").hourlyChance == nil)
        // An exponential lifetime with that rate is reclaimed within the hour with that chance.
        let rate = InterruptionSettings(band: "10-15%").ratePerSecond
        #expect(abs((1 - exp(-rate * 3600)) - 0.125) < 1e-12)
        var random = SeededRandom(seed: 5)
        let draws = (0..<20_000).map { _ in random.exponential(rate: rate) }
        let share = Double(draws.filter { $0 <= 3600 }.count) / Double(draws.count)
        #expect(abs(share - 0.125) < 0.01)
    }

    @Test func durationsParse() {
        #expect(SimulatedDuration.parse("90") == 90)
        #expect(SimulatedDuration.parse("2m") == 120)
        #expect(SimulatedDuration.parse("1.5h") == 5400)
        #expect(SimulatedDuration.parse("-1s") == nil && SimulatedDuration.parse("soon") == nil)
    }
}

extension FleetOffer {
    var isInstance: Bool { if case .instance = self { true } else { false } }
    var isUnavailable: Bool {
        switch self {
        case .unavailable, .insufficientCapacity: true
        default: false
        }
    }
}
