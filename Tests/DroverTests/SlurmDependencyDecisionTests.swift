import DroverCore
@testable import DroverEngine
import Testing

/// Slurm's `--dependency` for an attempt handed over ahead of its dependencies, from its partners' Slurm ids.
@Suite struct SlurmDependencyDecisionTests {
    static func key(_ id: String) -> AttemptKey { AttemptKey(jobId: id, attempt: 1) }

    @Test(arguments: [
        // N_TO_N partners with the same task id: one aftercorr for the whole array.
        (3, [("a:3", true)], ["a:3": "100_3"], "aftercorr:100"),
        // A partner retried under another Slurm job whose task id differs: its task, by afterok.
        (3, [("a:3", true)], ["a:3": "105_4"], "afterok:105_4"),
        // A plain dependency on an array: the whole Slurm job when several of its tasks are waited on.
        (nil, [("a:0", false), ("a:1", false), ("a:2", false)], ["a:0": "100_0", "a:1": "100_1", "a:2": "105_2"], "afterok:100:105_2"),
        // A plain dependency on a single job; on one child.
        (nil, [("b", false)], ["b": "7"], "afterok:7"),
        (2, [("b:5", false)], ["b:5": "9_5"], "afterok:9_5"),
        // Both kinds: all must hold.
        (1, [("a:1", true), ("b", false)], ["a:1": "100_1", "b": "7"], "aftercorr:100,afterok:7"),
    ] as [(Int?, [(String, Bool)], [String: String], String)])
    func dependency(taskId: Int?, partners: [(String, Bool)], ids: [String: String], expected: String) {
        let keys = Dictionary(uniqueKeysWithValues: ids.map { (Self.key($0.key), $0.value) })
        let result = SlurmDependency.of(taskId: taskId, partners: partners.map { ClusterPartner(key: Self.key($0.0), correlated: $0.1) },
                                        clusterIds: keys)
        #expect(result == expected)
    }

    @Test func aPartnerWithoutASlurmIdLeavesItToDrover() {
        let partners = [ClusterPartner(key: Self.key("a:1"), correlated: true), ClusterPartner(key: Self.key("b"), correlated: false)]
        #expect(SlurmDependency.of(taskId: 1, partners: partners, clusterIds: [Self.key("a:1"): "100_1"]) == nil)
    }
}
