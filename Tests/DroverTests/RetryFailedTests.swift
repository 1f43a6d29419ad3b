import DroverCore
import DroverStore
import Foundation
import Testing

/// `drover retry-failed`: the failed children of a finished array run again under the same parent id, with a fresh
/// retry budget and their earlier attempts kept; succeeded children are not touched.
struct RetryFailedTests {
    /// An array whose children 2 and 4 fail (exit 5) until the file `fixed` exists, child 5 is cancelled before it runs
    /// (it waits on a file first), and each run appends a line to `out/INDEX`.
    static func sandbox() throws -> Sandbox {
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(at: sandbox.root.appendingPathComponent("out"), withIntermediateDirectories: true)
        let file = try sandbox.write("env.yaml", basicEnvironment(maxvCpus: 4) + """
            jobDefinitions:
              - jobDefinitionName: flaky
                containerProperties:
                  command: ["sh", "-c", "echo run >> out/$AWS_BATCH_JOB_ARRAY_INDEX; case $AWS_BATCH_JOB_ARRAY_INDEX in 2|4) test -e fixed || exit 5;; esac"]
                retryStrategy: {attempts: 2}
            """)
        #expect(try sandbox.drover("apply", file).status == 0)
        return sandbox
    }

    static func runs(_ sandbox: Sandbox, _ index: Int) -> Int {
        let text = (try? String(contentsOf: sandbox.root.appendingPathComponent("out/\(index)"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").count
    }

    @Test func theFailedChildrenRunAgainWithAFreshBudgetAndTheirHistoryKept() throws {
        let sandbox = try Self.sandbox()
        try sandbox.serve()
        let id = try sandbox.submit("-q", "default", "-d", "flaky", "--array-size", "6")
        let store = try sandbox.store()
        try eventually(within: 60, "the array to end") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .failed)
        #expect(try store.job("\(id):2")?.attempts == 2, "both attempts of its budget used")
        // Refused while nothing is wrong with the input but the array: bad indices change nothing.
        let bad = try sandbox.drover("retry-failed", id, "--index", "9")
        #expect(bad.status != 0 && bad.stderr.contains("index 9 is not in array"), "\(bad.stderr)")
        #expect(try store.job(id)?.status == .failed)

        _ = FileManager.default.createFile(atPath: sandbox.root.appendingPathComponent("fixed").path, contents: nil)
        let result = try sandbox.drover("retry-failed", id)
        #expect(result.status == 0 && result.stdout.contains("2 failed children to run again"), "\(result.stdout) \(result.stderr)")
        try eventually(within: 60, "the array to end again") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .succeeded)
        for index in [2, 4] {
            let child = try #require(try store.job("\(id):\(index)"))
            #expect(child.status == .succeeded && child.attempts == 3, "child \(index): \(child.status), \(child.attempts) attempts")
            let attempts = try store.attempts("\(id):\(index)")
            #expect(attempts.map(\.exitCode) == [5, 5, 0], "the earlier attempts stay: \(attempts.map(\.exitCode))")
            #expect(Self.runs(sandbox, index) == 3)
        }
        for index in [0, 1, 3, 5] {
            #expect(try store.attempts("\(id):\(index)").count == 1, "succeeded child \(index) untouched")
            #expect(Self.runs(sandbox, index) == 1)
        }
        // Nothing left to retry.
        #expect(try sandbox.drover("retry-failed", id).stdout.contains("0 failed children"))
    }

    @Test func onlyTheIndicesAskedAndCancelledOnesOnlyWhenAsked() throws {
        let sandbox = try Self.sandbox()
        let id = try sandbox.submit("-q", "default", "-d", "flaky", "--array-size", "6")
        let store = try sandbox.store()
        // No engine: cancel child 5, then fail 2 and 4 as an engine would, by running the array to its end.
        #expect(try sandbox.drover("cancel", "\(id):5").status == 0)
        let running = try sandbox.drover("retry-failed", id)
        #expect(running.status != 0 && running.stderr.contains("works on a finished array"), "\(running.stderr)")
        try sandbox.serve()
        try eventually(within: 60, "the array to end") { try store.job(id)?.status.isTerminal == true }
        _ = FileManager.default.createFile(atPath: sandbox.root.appendingPathComponent("fixed").path, contents: nil)
        let some = try sandbox.drover("retry-failed", id, "--index", "0-2")
        #expect(some.stdout.contains("1 failed child to run again"), "\(some.stdout)")
        try eventually(within: 60, "the array to end again") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .failed, "4 and 5 are still failed")
        #expect(try store.job("\(id):2")?.status == .succeeded && store.job("\(id):4")?.status == .failed)
        let rest = try sandbox.drover("retry-failed", id)
        #expect(rest.stdout.contains("1 failed child to run again, 1 cancelled or terminated left alone"), "\(rest.stdout)")
        try eventually(within: 60, "the array to end again") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job("\(id):5")?.status == .failed && Self.runs(sandbox, 5) == 0)
        #expect(try sandbox.drover("retry-failed", id, "--include-cancelled").stdout.contains("1 failed child to run again"))
        try eventually(within: 60, "the array to end again") { try store.job(id)?.status.isTerminal == true }
        #expect(try store.job(id)?.status == .succeeded)
        #expect(Self.runs(sandbox, 5) == 1)
    }

    @Test(arguments: [("3,7-9", [3, 7, 8, 9]), ("0", [0]), ("2-2", [2])])
    func indexLists(text: String, expected: [Int]) throws {
        #expect(try IndexList.parse(text) == expected)
    }

    @Test(arguments: ["3,", "a", "9-7", "-1", "1-2-3"])
    func badIndexLists(text: String) {
        #expect(throws: DroverError.self) { try IndexList.parse(text) }
    }
}
