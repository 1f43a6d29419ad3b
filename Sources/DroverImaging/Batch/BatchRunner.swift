import Foundation
import Synchronization

/// Options of one `drover image` batch.
public struct BatchOptions: Sendable {
    /// Input folder (or single file).
    public var input: String
    /// Output folder; the input's folder layout is mirrored under it.
    public var output: String
    /// Process files whose outputs are already up to date.
    public var force = false
    /// Files processed at the same time.
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// Shard of the sorted file list this run takes (index, count).
    public var shard: (index: Int, count: Int)?
    /// Modification time of the recipe file: outputs older than it are out of date.
    public var recipeModified: Date?

    public init(input: String, output: String) {
        self.input = input
        self.output = output
    }
}

/// Counts so far, passed to the progress callback.
public struct BatchProgress: Sendable {
    public var total = 0
    public var done = 0
    public var ok = 0
    public var skipped = 0
    public var failed = 0
    public var bytesIn = 0
    public var bytesOut = 0
}

/// Runs a recipe over a list of files on several threads. Each worker takes the next file from a shared index;
/// a failing file is reported and never stops the others.
public final class BatchRunner: Sendable {
    let processor: ImageProcessor
    let options: BatchOptions

    public init(processor: ImageProcessor, options: BatchOptions) {
        self.processor = processor
        self.options = options
    }

    /// Processes `files` (paths relative to the input folder), calling `report` once per file, serialized.
    public func run(files: [String], report: @escaping @Sendable (FileResult, BatchProgress) -> Void) -> BatchProgress {
        let state = Mutex((next: 0, progress: BatchProgress(total: files.count)))
        let inputIsFile = !isFolder(options.input)
        // Largest files first, so that no worker is left with a big file while the others are idle at the end.
        let sizes = files.map { size(inputIsFile ? options.input : options.input + "/" + $0) ?? 0 }
        let order = files.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        let workers = max(1, min(options.jobs, files.count))
        let finished = DispatchGroup()
        for _ in 0..<workers {
            finished.enter()
            let thread = Thread { [self] in
                while true {
                    let index: Int? = state.withLock { state in
                        guard state.next < files.count else { return nil }
                        defer { state.next += 1 }
                        return state.next
                    }
                    guard let index else { break }
                    let relative = files[order[index]]
                    let path = inputIsFile ? options.input : options.input + "/" + relative
                    let result = upToDate(path: path, relative: relative)
                        ?? processor.process(inputPath: path, relative: relative, outputRoot: options.output)
                    state.withLock { state in
                        state.progress.done += 1
                        switch result.status {
                        case "ok": state.progress.ok += 1
                        case "skipped": state.progress.skipped += 1
                        default: state.progress.failed += 1
                        }
                        state.progress.bytesIn += result.bytesIn
                        state.progress.bytesOut += result.bytesOut
                        report(result, state.progress)
                    }
                }
                finished.leave()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        finished.wait()
        return state.withLock { $0.progress }
    }

    /// A "skipped" result when every output of the file exists and is newer than the file and the recipe.
    func upToDate(path: String, relative: String) -> FileResult? {
        guard !options.force, let input = modified(path) else { return nil }
        let format = sniff(path) ?? .jpeg
        let threshold = max(input, options.recipeModified ?? .distantPast)
        var result = FileResult(input: relative, status: "skipped", bytesIn: size(path) ?? 0)
        result.format = format.rawValue
        for output in processor.recipe.outputs {
            let relativeOut = output.relativePath(forInput: relative, format: format)
            let full = options.output + "/" + relativeOut
            guard let written = modified(full), written >= threshold else { return nil }
            result.outputs.append(.init(name: output.name, path: relativeOut, bytes: size(full) ?? 0, width: 0, height: 0))
        }
        return result
    }

    private func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    private func modified(_ path: String) -> Date? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }

    private func size(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    private func sniff(_ path: String) -> ImageFormat? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 16)) ?? Data()
        return head.withUnsafeBytes { try? ImageFormat.sniff($0).get() }
    }
}
