import Foundation

/// Which inputs a batch processes and what it reports for the others, decided before any file is written: every
/// entry under the input folder, sorted by path (so every shard of an array job sees the same list), with
///
/// - the output folder, the report and the manifest left out (an output folder inside the input never feeds on
///   itself), and the outputs of earlier runs that the manifest lists reported as skipped;
/// - inputs that would write the same output file refused together, each naming the other;
/// - an input whose output would replace an input file (its own, or another's, when the output folder is the
///   input folder) refused.
public struct BatchPlan: Sendable {
    /// Every entry, sorted by path.
    public var items: [BatchItem]

    public init(items: [BatchItem]) {
        self.items = items
    }

    /// Plans a batch of `recipe` from `input` (a folder, or one file) into the folder `output`. `ownFiles` are
    /// files the run writes besides outputs (report, manifest); `manifest` is what earlier runs wrote.
    public static func make(
        input root: PathBytes, output: PathBytes, recipe: Recipe, ownFiles: [PathBytes] = [], manifest: Manifest = Manifest()
    ) throws(ImageError) -> BatchPlan {
        guard let status = root.status(following: true) else {
            throw .io("\(root.display): \(errno == ENOENT ? "no such file or folder" : String(cString: strerror(errno)))")
        }
        var items: [BatchItem]
        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            var walker = FolderWalker()
            for path in [output] + ownFiles {
                if let own = path.status(following: true) { walker.excluded.insert(FileID(own)) }
            }
            try walker.walk(root: root, id: FileID(status))
            items = walker.items
        case S_IFREG:
            items = [BatchItem(relative: root.lastComponent, path: root, size: Int(status.st_size), verdict: .process)]
        default:
            throw .io("\(root.display): refused: \(FolderWalker.kind(status.st_mode)), not a regular file or a folder")
        }
        for index in items.indices where items[index].verdict == .process {
            items[index].format = sniff(items[index].path)
        }
        var plan = BatchPlan(items: items.sorted { $0.relative < $1.relative })
        plan.refuseClashes(recipe: recipe, outputRoot: output.resolved, manifest: manifest)
        return plan
    }

    /// The part of the plan that shard `index` of `count` takes: every `count`-th entry starting at `index`.
    /// The shards are disjoint and together cover the list exactly once.
    public func shard(index: Int, count: Int) -> [BatchItem] {
        stride(from: index, to: items.count, by: count).map { items[$0] }
    }

    /// Applies the rules on outputs: the run's own outputs skipped, outputs that would replace an input and shared
    /// outputs refused.
    mutating func refuseClashes(recipe: Recipe, outputRoot: PathBytes?, manifest: Manifest) {
        // Input files by identity: an output path that is (or links to) one of them would replace it.
        var inputByID: [FileID: Int] = [:]
        for (index, item) in items.enumerated() where item.verdict == .process {
            if let status = item.path.status(following: true) { inputByID[FileID(status)] = index }
        }
        if let outputRoot {
            skipOwnOutputs(outputRoot: outputRoot, manifest: manifest, inputByID: &inputByID)
        }
        var writers: [PathBytes: [(index: Int, output: String)]] = [:]
        var refusals: [Int: String] = [:]
        for (index, item) in items.enumerated() where item.verdict == .process {
            for output in recipe.outputs {
                for rendition in output.renditions {
                    guard let path = rendition.predictedPath(forInput: item.relative, format: item.format ?? .jpeg) else { continue }
                    writers[path, default: []].append((index, output.name))
                    guard let outputRoot, let status = outputRoot.appending(path).status(following: true),
                        let other = inputByID[FileID(status)]
                    else { continue }
                    refusals[index] = other == index
                        ? "its output '\(output.name)' would replace the input itself (\(path.display)); change the output's file or folder"
                        : "its output '\(output.name)' would replace the input file \(items[other].relative.display); change the output's file or folder"
                }
            }
        }
        for (path, users) in writers where users.count > 1 {
            let inputs = Set(users.map(\.index))
            if inputs.count == 1, let index = inputs.first {
                let names = users.map { "'\($0.output)'" }.joined(separator: " and ")
                refusals[index] = "its outputs \(names) would write the same file \(path.display); give them different file templates or folders"
                continue
            }
            for index in inputs {
                let others = inputs.subtracting([index]).sorted().map { items[$0].relative.display }
                refusals[index] = "writes the same output \(path.display) as \(others.joined(separator: ", ")): "
                    + "rename one, or tell them apart with {srcext} in the output's file template"
            }
        }
        for (index, reason) in refusals { items[index].verdict = .fail(reason) }
    }

    /// Skips the entries that are this run's own outputs from earlier runs: listed by the manifest, or carrying
    /// the mark a batch leaves on what it writes into this output folder.
    private mutating func skipOwnOutputs(outputRoot: PathBytes, manifest: Manifest, inputByID: inout [FileID: Int]) {
        for (file, input) in manifest.ownFiles {
            guard let status = outputRoot.appending(file).status(following: false), status.st_mode & S_IFMT == S_IFREG,
                let index = inputByID[FileID(status)], items[index].relative.display != input
            else { continue }
            items[index].verdict = .skip("an output of \(input) (manifest.json)")
            inputByID[FileID(status)] = nil
        }
        for (id, index) in inputByID {
            guard let mark = OutputMark.read(items[index].path), mark.root == outputRoot, mark.input != items[index].relative else { continue }
            items[index].verdict = .skip("an output of \(mark.input.display) (marked by drover)")
            inputByID[id] = nil
        }
    }

    /// The format the first bytes of `path` show; nil when it cannot be read (processing then reports why).
    static func sniff(_ path: PathBytes) -> ImageFormat? {
        let descriptor = path.withCString { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        // 64 bytes: an ISO media ftyp box (AVIF, HEIC) lists its brands there.
        var head = [UInt8](repeating: 0, count: 64)
        let count = head.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, 64) }
        guard count > 0 else { return nil }
        return head[..<count].withUnsafeBytes { try? ImageFormat.sniff($0).get() }
    }
}
