import ColorTestSupport
import DroverImaging
import Foundation
import Testing

/// `drover image` end to end: the real binary over real files.
@Suite struct ImageCommandTests {
    static let recipeText = """
        validate: {formats: [jpeg, png], maxMegapixels: 1}
        steps: [autoOrient]
        outputs:
          - name: thumb
            steps: [{resize: {width: 32, height: 32, fit: inside}}]
            format: jpeg
            quality: 80
            folder: thumbs
          - name: small
            steps: [{resize: {width: 64}}, grayscale]
            format: png
        """

    /// A photo folder: JPEGs and PNGs in nested folders, a corrupt JPEG, an oversized image and a text file.
    static func makePhotos(in sandbox: Sandbox) throws -> [String] {
        let folder = sandbox.root.appendingPathComponent("photos")
        var names: [String] = []
        func put(_ name: String, _ bytes: [UInt8]) throws {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
            names.append(name)
        }
        for index in 0..<6 {
            let raster = gradient(width: 120 + index * 10, height: 90)
            let name = index % 2 == 0 ? "2024/trip/img\(index).jpg" : "img\(index).png"
            try put(name, index % 2 == 0 ? try JPEGWriter.encode(raster, options: EncodeOptions()) : try PNGWriter.encode(raster, options: EncodeOptions()))
        }
        let good = try JPEGWriter.encode(gradient(width: 100, height: 80), options: EncodeOptions())
        try put("broken.jpg", Array(good[0..<(good.count / 2)]))
        try put("huge.png", try PNGWriter.encode(gradient(width: 1100, height: 1000), options: { var o = EncodeOptions(); o.pngEffort = .fast; return o }()))
        try Data("notes".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        return names
    }

    static func gradient(width: Int, height: Int) -> Raster {
        var pixels = [UInt8]()
        for y in 0..<height { for x in 0..<width { pixels += [UInt8(x * 255 / width), UInt8(y * 255 / height), 90] } }
        return Raster(width: width, height: height, channels: 3, pixels: pixels)
    }

    static func report(_ path: URL) throws -> [[String: Any]] {
        try String(contentsOf: path, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    @Test func folderRunReportsEachFileAndIsIdempotent() throws {
        let sandbox = try Sandbox()
        _ = try Self.makePhotos(in: sandbox)
        let recipe = try sandbox.write("recipe.yaml", Self.recipeText)
        let run = try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "out")
        #expect(run.status == 1, "a failed file makes the exit status 1")
        #expect(run.stdout.contains("9 entries") && run.stdout.contains("6 ok, 0 up to date, 1 skipped, 2 failed"), "\(run.stdout)")
        #expect(run.stderr.contains("broken.jpg: corrupt or truncated image"))
        #expect(run.stderr.contains("huge.png: refused: image is 1100 x 1000 pixels"))
        let out = sandbox.root.appendingPathComponent("out")
        let lines = try Self.report(out.appendingPathComponent("report.jsonl"))
        #expect(lines.count == 9, "one line per file under the input folder")
        let byInput = Dictionary(uniqueKeysWithValues: lines.map { ($0["input"] as! String, $0) })
        #expect(byInput["broken.jpg"]?["status"] as? String == "failed")
        #expect(byInput["notes.txt"]?["status"] as? String == "skipped")
        #expect(byInput["notes.txt"]?["reason"] as? String == "not an image file name (.txt)")
        let trip = byInput["2024/trip/img0.jpg"]!
        #expect(trip["status"] as? String == "ok" && trip["width"] as? Int == 120)
        let outputs = trip["outputs"] as! [[String: Any]]
        #expect(outputs.map { $0["path"] as! String } == ["thumbs/2024/trip/img0-thumb.jpg", "2024/trip/img0-small.png"])
        #expect(outputs[0]["width"] as? Int == 32 && outputs[0]["height"] as? Int == 24)
        for output in outputs {
            let written = try ImageReader(bytes: FileBytes(path: out.appendingPathComponent(output["path"] as! String).path))
            #expect(written.header.width == output["width"] as? Int)
        }
        let small = try ImageReader(bytes: FileBytes(path: out.appendingPathComponent("img1-small.png").path))
        #expect(small.header.format == .png && small.header.colorModel == "gray" && small.header.width == 64)
        // No temporary files are left behind.
        let all = FileManager.default.enumerator(atPath: out.path)!.compactMap { $0 as? String }
        #expect(!all.contains { $0.contains(".tmp") })

        let again = try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "out")
        #expect(again.stdout.contains("0 ok, 6 up to date, 1 skipped, 2 failed"), "\(again.stdout)")
        let forced = try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "out", "--force", "--jobs", "1")
        #expect(forced.stdout.contains("6 ok, 0 up to date"), "\(forced.stdout)")
    }

    @Test func shardsCoverTheFolderExactlyOnce() throws {
        let sandbox = try Sandbox()
        let names = try Self.makePhotos(in: sandbox)
        let recipe = try sandbox.write("recipe.yaml", Self.recipeText)
        var seen: [String] = []
        for index in 0..<3 {
            // Shard 1 through AWS Batch's variables, the others through flags.
            let result = index == 1
                ? try sandbox.drover(["image", "--recipe", recipe, "--input", "photos", "--output", "out"],
                                     environment: ["AWS_BATCH_JOB_ARRAY_INDEX": "1", "AWS_BATCH_JOB_ARRAY_SIZE": "3"])
                : try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "out",
                                     "--shard-index", "\(index)", "--shard-count", "3")
            #expect(result.stdout.contains("shard \(index) of 3"), "\(result.stdout)")
            seen += try Self.report(sandbox.root.appendingPathComponent("out/report-\(index).jsonl")).map { $0["input"] as! String }
        }
        #expect(seen.sorted() == (names + ["notes.txt"]).sorted())
        let bad = try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "out", "--shard-index", "3", "--shard-count", "3")
        #expect(bad.status == 2 && bad.stderr.contains("shard index 3 is not between 0 and 2"))
    }

    @Test func arrayJobThroughTheEngine() throws {
        let sandbox = try Sandbox()
        let names = try Self.makePhotos(in: sandbox).filter { !$0.hasPrefix("broken") && !$0.hasPrefix("huge") }
        try FileManager.default.removeItem(at: sandbox.root.appendingPathComponent("photos/broken.jpg"))
        try FileManager.default.removeItem(at: sandbox.root.appendingPathComponent("photos/huge.png"))
        let root = Sandbox.packageRoot
        try FileManager.default.createDirectory(at: sandbox.root.appendingPathComponent("jobs/recipes"), withIntermediateDirectories: true)
        for file in ["jobs/thumbnails.yaml", "jobs/recipes/web.yaml"] {
            try FileManager.default.copyItem(at: root.appendingPathComponent(file), to: sandbox.root.appendingPathComponent(file))
        }
        let run = try sandbox.drover("run", "jobs/thumbnails.yaml", "--quiet", "-p", "input=photos", "-p", "output=site")
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        var covered: [String] = []
        for index in 0..<4 {
            covered += try Self.report(sandbox.root.appendingPathComponent("site/report-\(index).jsonl")).map { $0["input"] as! String }
        }
        #expect(covered.sorted() == (names + ["notes.txt"]).sorted())
        for name in names {
            let stem = (name as NSString).deletingPathExtension
            #expect(FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent("site/thumbs/\(stem)-thumb.jpg").path))
            #expect(FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent("site/large/\(stem)-large.jpg").path))
        }
    }

    @Test func oneFileCommands() throws {
        let sandbox = try Sandbox()
        let input = sandbox.root.appendingPathComponent("in.jpg")
        var baseline = EncodeOptions()
        baseline.progressive = false
        baseline.optimizeCoding = false
        try Data(try JPEGWriter.encode(Self.gradient(width: 400, height: 300), options: baseline)).write(to: input)
        let resized = try sandbox.drover("image", "resize", "in.jpg", "out/small.png", "--width", "100")
        #expect(resized.status == 0 && resized.stdout.contains("100x75"), "\(resized.stdout)\(resized.stderr)")
        #expect(try ImageReader(bytes: FileBytes(path: sandbox.root.appendingPathComponent("out/small.png").path)).header.format == .png)
        let optimized = try sandbox.drover("image", "optimize", "in.jpg", "opt.jpg")
        #expect(optimized.status == 0)
        let sizes = try ["in.jpg", "opt.jpg"].map { try FileManager.default.attributesOfItem(atPath: sandbox.root.appendingPathComponent($0).path)[.size] as! Int }
        #expect(sizes[1] < sizes[0])
        try Data("not an image".utf8).write(to: sandbox.root.appendingPathComponent("fake.jpg"))
        let info = try sandbox.drover("image", "info", "in.jpg", "fake.jpg")
        #expect(info.status == 1 && info.stdout.contains("in.jpg: jpeg, 400x300") && info.stdout.contains("fake.jpg: unsupported format"))
        let missing = try sandbox.drover("image", "resize", "nope.jpg", "x.jpg", "--width", "10")
        #expect(missing.status == 1 && missing.stderr.contains("nope.jpg: cannot read: No such file"))
    }

    /// A Display P3 photo: converted to sRGB by `drover image` and `drover image resize`, kept with `keepICC` /
    /// `--keep-icc`.
    @Test func displayP3PhotoIsConvertedToSRGB() throws {
        let sandbox = try Sandbox()
        let photos = sandbox.root.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        var options = EncodeOptions()
        options.keepICC = true
        let raster = Self.gradient(width: 400, height: 300)
        try Data(try JPEGWriter.encode(raster, options: options, color: ColorMetadata(icc: TestProfiles.displayP3)))
            .write(to: photos.appendingPathComponent("p3.jpg"))
        try Data(try JPEGWriter.encode(raster, options: EncodeOptions())).write(to: photos.appendingPathComponent("plain.jpg"))
        func read(_ path: String) throws -> (ColorMetadata, Raster) {
            let reader = try ImageReader(bytes: FileBytes(path: sandbox.root.appendingPathComponent(path).path))
            return (reader.color, try reader.decode())
        }
        let resized = try sandbox.drover("image", "resize", "photos/p3.jpg", "p3.png", "--width", "100")
        let kept = try sandbox.drover("image", "resize", "photos/p3.jpg", "p3-kept.png", "--width", "100", "--keep-icc")
        let plain = try sandbox.drover("image", "resize", "photos/plain.jpg", "plain.png", "--width", "100")
        #expect(resized.status == 0 && kept.status == 0 && plain.status == 0, "\(resized.stderr)\(kept.stderr)")
        let (color, converted) = try read("p3.png")
        #expect(color.icc == nil && color.pngSRGBIntent == 0, "converted, tagged sRGB")
        #expect(try read("p3-kept.png").0.icc == TestProfiles.displayP3)
        #expect(try read("p3-kept.png").1 == read("plain.png").1, "--keep-icc keeps the numbers")
        #expect(converted != (try read("plain.png").1))
        let info = try sandbox.drover("image", "info", "photos/p3.jpg")
        #expect(info.stdout.contains("ICC \(TestProfiles.displayP3.count) bytes, converted to sRGB from 'Display P3 (test)'"), "\(info.stdout)")
        let recipe = try sandbox.write("recipe.yaml", """
            outputs:
              - {name: web, steps: [{resize: {width: 100}}], format: png}
              - {name: kept, steps: [{resize: {width: 100}}], format: jpeg, keepICC: true}
            """)
        let run = try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "out")
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try read("out/p3-web.png").1 == converted)
        #expect(try read("out/p3-kept.jpg").0.icc == TestProfiles.displayP3)
        #expect(try read("out/plain-kept.jpg").0.icc == nil)
        let lines = try Self.report(sandbox.root.appendingPathComponent("out/report.jsonl"))
        let colors = Dictionary(uniqueKeysWithValues: lines.map { ($0["input"] as! String, $0["color"] as? String) })
        #expect(colors["p3.jpg"] == "converted to sRGB from 'Display P3 (test)'")
        #expect(colors["plain.jpg"]! == nil, "no profile, no color field")
    }

    @Test func badRecipeChangesNothing() throws {
        let sandbox = try Sandbox()
        _ = try Self.makePhotos(in: sandbox)
        let recipe = try sandbox.write("bad.yaml", "outputs:\n  - name: t\n    steps: [{resize: {width: 0}}]\n")
        let result = try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "out")
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad.yaml:3: outputs[0].steps[0].resize.width: must be between 1 and 65500"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent("out").path))
    }

    /// Whether `bytes` is a whole JPEG: SOI at the start, EOI at the end.
    static func isWholeJPEG(_ bytes: Data) -> Bool {
        bytes.count > 4 && bytes.prefix(2) == Data([0xFF, 0xD8]) && bytes.suffix(2) == Data([0xFF, 0xD9])
    }

    /// Runs `drover image resize in.jpg OUTPUT --width 16` with standard output sent to `stdout`.
    static func resize(_ sandbox: Sandbox, to output: String, stdout: Any) throws -> (status: Int32, stderr: String) {
        let process = sandbox.process(["image", "resize", "in.jpg", output, "--width", "16"])
        let errors = Pipe()
        process.standardOutput = stdout
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// The file type bits of `path` itself (a link is not followed).
    static func kind(_ path: String) -> mode_t {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : 0
    }

    @Test func streamsDevicesAndLinksAreWrittenInPlace() throws {
        let sandbox = try Sandbox()
        try Data(try JPEGWriter.encode(Self.gradient(width: 64, height: 48), options: EncodeOptions()))
            .write(to: sandbox.root.appendingPathComponent("in.jpg"))

        // `/dev/stdout` into a pipe: the image alone on stdout, the summary on stderr.
        let pipe = Pipe()
        let piped = try Self.resize(sandbox, to: "/dev/stdout", stdout: pipe)
        let streamed = pipe.fileHandleForReading.readDataToEndOfFile()
        #expect(piped.status == 0 && piped.stderr.contains("/dev/stdout: 16x12"), "\(piped.stderr)")
        #expect(Self.isWholeJPEG(streamed))

        // `/dev/stdout` redirected to a file (`> out.jpg`): the file gets the image, /dev/stdout stays a link.
        let redirected = sandbox.root.appendingPathComponent("redirected.jpg")
        _ = FileManager.default.createFile(atPath: redirected.path, contents: nil)
        let handle = try FileHandle(forWritingTo: redirected)
        let toFile = try Self.resize(sandbox, to: "/dev/stdout", stdout: handle)
        try handle.close()
        let written = try Data(contentsOf: redirected)
        #expect(toFile.status == 0 && Self.isWholeJPEG(written), "\(toFile.stderr)")
        #expect(Self.kind("/dev/stdout") == S_IFLNK, "/dev/stdout must stay a symbolic link")

        // `/dev/null` stays the device.
        #expect(try Self.resize(sandbox, to: "/dev/null", stdout: FileHandle.nullDevice).status == 0)
        #expect(Self.kind("/dev/null") == S_IFCHR, "/dev/null must stay a character device")

        // A FIFO is written through, and stays a FIFO.
        let fifo = sandbox.root.appendingPathComponent("pipe.jpg").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo]
        let fromFifo = Pipe()
        reader.standardOutput = fromFifo
        try reader.run()
        #expect(try Self.resize(sandbox, to: fifo, stdout: FileHandle.nullDevice).status == 0)
        #expect(Self.isWholeJPEG(fromFifo.fileHandleForReading.readDataToEndOfFile()))
        reader.waitUntilExit()
        #expect(Self.kind(fifo) == S_IFIFO)

        // A symbolic link is kept and the file it names (not there yet) is written.
        try FileManager.default.createDirectory(at: sandbox.root.appendingPathComponent("real"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: sandbox.root.appendingPathComponent("link.jpg").path, withDestinationPath: "real/target.jpg")
        for _ in 0..<2 {
            #expect(try Self.resize(sandbox, to: "link.jpg", stdout: FileHandle.nullDevice).status == 0)
        }
        #expect(Self.kind(sandbox.root.appendingPathComponent("link.jpg").path) == S_IFLNK)
        let target = try Data(contentsOf: sandbox.root.appendingPathComponent("real/target.jpg"))
        #expect(Self.isWholeJPEG(target))

        // Nothing new is created among the devices.
        let refused = try Self.resize(sandbox, to: "/dev/drover-test.jpg", stdout: FileHandle.nullDevice)
        #expect(refused.status == 1 && refused.stderr.contains("cannot open /dev/drover-test.jpg: No such file"), "\(refused.stderr)")
        let devices = try FileManager.default.contentsOfDirectory(atPath: "/dev")
        #expect(devices.allSatisfy { !$0.contains("drover") })
    }
}
