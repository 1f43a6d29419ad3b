import DroverImaging
import Foundation
import Synchronization

/// A one-line progress bar on standard error (when it is a terminal), redrawn at most ten times a second;
/// failed files are listed as they happen.
final class ImageProgress: Sendable {
    private let total: Int
    private let interactive: Bool
    private let enabled: Bool
    private let started = Date()
    private let lastDraw = Mutex(Date.distantPast)

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
        self.interactive = enabled && isatty(2) == 1
    }

    func update(_ counts: BatchProgress, last: FileResult) {
        guard enabled else { return }
        if last.status == .failed {
            write((interactive ? "\r\u{1B}[K" : "") + "failed: \(last.input): \(last.error ?? "")\n")
        }
        guard interactive else { return }
        let now = Date()
        let due = lastDraw.withLock { last in
            guard now.timeIntervalSince(last) >= 0.1 || counts.done == total else { return false }
            last = now
            return true
        }
        if due { draw(counts, now: now) }
    }

    func finish() {
        if interactive { write("\r\u{1B}[K") }
    }

    private func draw(_ counts: BatchProgress, now: Date) {
        let width = 30
        let filled = total == 0 ? width : counts.done * width / total
        let elapsed = now.timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(counts.done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - counts.done) / rate : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        write(String(format: "\r\u{1B}[K[%@] %d/%d files · %d failed · %.1f files/s · ETA %.0f s", bar, counts.done, total, counts.failed, rate, remaining))
    }

    /// Progress is drawn from the workers' callback, where nothing can be thrown: a failed write is remembered by
    /// ``OutputFile`` and fails the command at its end.
    private func write(_ text: String) {
        try? OutputFile.standardError.write(text)
    }

    /// A byte count for people: 1.2 MB.
    static func size(_ bytes: Int) -> String {
        let value = Double(bytes)
        if value >= 1e9 { return String(format: "%.2f GB", value / 1e9) }
        if value >= 1e6 { return String(format: "%.1f MB", value / 1e6) }
        if value >= 1e3 { return String(format: "%.1f kB", value / 1e3) }
        return "\(bytes) B"
    }
}
