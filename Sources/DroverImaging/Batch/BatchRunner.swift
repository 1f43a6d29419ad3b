import Foundation
import Synchronization

/// Options of one `drover image` batch.
public struct BatchOptions: Sendable {
    /// Input folder (or single file).
    public var input: PathBytes
    /// Output folder; the input's folder layout is mirrored under it.
    public var output: PathBytes
    /// Process files whose outputs are already up to date.
    public var force = false
    /// Files processed at the same time.
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// Modification time of the recipe file: outputs older than it are out of date.
    public var recipeModified: Date?
    /// What earlier runs wrote (their manifests): which outputs are up to date, and their sizes and hashes.
    public var manifest = Manifest()
    /// Asked before each file: once true, no new file is started (the ones under way finish).
    public var shouldStop: @Sendable () -> Bool = { false }

    public init(input: PathBytes, output: PathBytes) {
        self.input = input
        self.output = output
    }
}

/// Counts so far, passed to the progress callback.
public struct BatchProgress: Sendable {
    public var total = 0
    public var done = 0
    public var ok = 0
    public var upToDate = 0
    public var skipped = 0
    public var failed = 0
    public var bytesIn = 0
    public var bytesOut = 0
}

/// Runs a recipe over the entries of a plan on several threads. Entries that are not processed are reported first;
/// then each worker takes the next file (largest first) from a shared index. A failing file is reported and never
/// stops the others.
public final class BatchRunner: Sendable {
    let processor: ImageProcessor
    let options: BatchOptions

    public init(processor: ImageProcessor, options: BatchOptions) {
        self.processor = processor
        self.options = options
    }

    /// Processes `items`, calling `report` once per entry, serialized. Returns the counts and the manifest of the
    /// inputs processed or found up to date.
    public func run(items: [BatchItem], report: @escaping @Sendable (FileResult, BatchProgress) -> Void) -> (BatchProgress, Manifest) {
        let keys = Manifest.renditionKeys(processor.recipe)
        let state = Mutex((next: 0, progress: BatchProgress(total: items.count), inputs: [String: Manifest.Entry]()))
        let claims = OutputClaims()
        let root = options.output.resolved
        let record: @Sendable (FileResult) -> Void = { result in
            state.withLock { state in
                state.progress.done += 1
                switch result.status {
                case .ok: state.progress.ok += 1
                case .upToDate: state.progress.upToDate += 1
                case .skipped: state.progress.skipped += 1
                case .failed: state.progress.failed += 1
                }
                state.progress.bytesIn += result.bytesIn
                state.progress.bytesOut += result.bytesOut
                if result.status == .ok || result.status == .upToDate {
                    state.inputs[result.input] = Manifest.Entry(renditions: keys, outputs: result.outputs)
                }
                report(result, state.progress)
            }
        }
        for item in items { if let line = item.unprocessed { record(line) } }
        let files = items.filter { $0.verdict == .process }
        // Largest files first, so that no worker is left with a big file while the others are idle at the end.
        let order = files.indices.sorted { files[$0].size != files[$1].size ? files[$0].size > files[$1].size : $0 < $1 }
        let workers = max(1, min(options.jobs, files.count))
        let finished = DispatchGroup()
        for _ in 0..<workers {
            finished.enter()
            let thread = Thread { [self] in
                while true {
                    let stop = options.shouldStop()
                    let index: Int? = state.withLock { state in
                        guard state.next < files.count, !stop else { return nil }
                        defer { state.next += 1 }
                        return state.next
                    }
                    guard let index else { break }
                    let item = files[order[index]]
                    let mark = root.map { OutputMark.value(outputRoot: $0, input: item.relative) }
                    let result = upToDate(item, keys: keys, claims: claims)
                        ?? processor.process(input: item.path, relative: item.relative, outputRoot: options.output, mark: mark, claims: claims)
                    record(result)
                }
                finished.leave()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        finished.wait()
        let (progress, inputs) = state.withLock { ($0.progress, $0.inputs) }
        return (progress, Manifest.next(inputs: inputs, previous: options.manifest, outputRoot: options.output))
    }

    /// An "up to date" result when the manifest lists the outputs of the file for the recipe's current renditions,
    /// and each exists and is newer than the file and the recipe.
    func upToDate(_ item: BatchItem, keys: [String], claims: OutputClaims) -> FileResult? {
        guard !options.force, let entry = options.manifest.inputs[item.relative.display], entry.renditions == keys,
            let input = item.path.status(following: true)
        else { return nil }
        let threshold = max(Self.modified(input), options.recipeModified ?? .distantPast)
        for output in entry.outputs {
            guard let written = options.output.appending(output.file).status(following: true),
                Self.modified(written) >= threshold, Int(written.st_size) == output.bytes
            else { return nil }
        }
        guard entry.outputs.allSatisfy({ claims.claim($0.file, for: item.relative.display) == nil }) else { return nil }
        var result = FileResult(input: item.relative.display, status: .upToDate, bytesIn: Int(input.st_size))
        result.format = item.format?.rawValue
        result.outputs = entry.outputs
        return result
    }

    private static func modified(_ info: stat) -> Date {
        Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }
}
