import DroverStore
import Foundation
import Testing

/// The dashboard's log tail reads a bounded piece of a log of any size, in whole characters.
@Suite struct LogTailTests {
    @Test func aHugeLogIsReadAsItsLastPieceAndThenFollowed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("drover-tail-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(directory: directory)
        try store.makeLogDirectory(ofJob: "abc")
        let path = store.logPath(ofJob: "abc", attempt: 1)
        // 3 MB of 2-byte characters, so that a cut at an odd offset falls inside one.
        let line = String(repeating: "é", count: 99) + "\n"
        let text = String(repeating: line, count: 15_000)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let size = Int64(text.utf8.count)
        let limit = 64 << 10 + 1

        let first = try store.logTail(ofJob: "abc", attempt: 1, from: nil, limit: limit)
        #expect(first.end == size && first.bytes.count <= limit && first.start == size - Int64(first.bytes.count))
        #expect(first.start > size - Int64(limit), "the continuation byte the cut fell on is left out")
        #expect(String(validating: first.bytes, as: UTF8.self) != nil, "whole characters only")

        let nothingNew = try store.logTail(ofJob: "abc", attempt: 1, from: first.end, limit: limit)
        #expect(nothingNew.bytes.isEmpty && nothingNew.start == size && nothingNew.end == size)

        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("new ☃".utf8).dropLast(1))
        let partial = try store.logTail(ofJob: "abc", attempt: 1, from: size, limit: limit)
        #expect(partial.bytes == Array("new ".utf8) && partial.end == size + 4, "a character still being written waits")
        handle.write(Data([0x83]))
        try handle.close()
        let rest = try store.logTail(ofJob: "abc", attempt: 1, from: partial.end, limit: limit)
        #expect(rest.bytes == Array("☃".utf8) && rest.start == partial.end)

        let behind = try store.logTail(ofJob: "abc", attempt: 1, from: 10, limit: limit)
        #expect(behind.start > size - Int64(limit) && behind.bytes.count <= limit, "far behind: only the latest piece")
        let missing = try store.logTail(ofJob: "abc", attempt: 2, from: nil, limit: limit)
        #expect(missing.bytes.isEmpty && missing.end == 0)
    }
}
