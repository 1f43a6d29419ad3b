import ColorTestSupport
import DroverImaging
import Foundation
import Testing

/// `drover image` over the folders people really hand it: every entry gets exactly one report line, nothing is
/// lost or overwritten without a word, and the exit status tells the truth.
@Suite struct InputAccountingTests {
    static let recipe = """
        outputs:
          - name: thumb
            steps: [{resize: {width: 16}}]
            format: jpeg
        """

    static func jpeg(_ width: Int = 40) throws -> [UInt8] {
        try JPEGWriter.encode(ImageCommandTests.gradient(width: width, height: 30), options: EncodeOptions())
    }

    /// Writes `bytes` at `path` (bytes of a name that need not be UTF-8).
    static func put(_ bytes: [UInt8], at path: PathBytes) throws {
        let descriptor = path.withCString { open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        try #require(descriptor >= 0, "cannot create \(path.display)")
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress!, $0.count) }
        close(descriptor)
    }

    static func lines(_ url: URL) throws -> [String: [String: Any]] {
        Dictionary(uniqueKeysWithValues: try ImageCommandTests.report(url).map { ($0["input"] as! String, $0) })
    }

    @Test func everyEntryOfAHostileFolderIsAccountedFor() throws {
        let sandbox = try Sandbox()
        let photos = PathBytes(sandbox.root.appendingPathComponent("photos").path)
        try FileManager.default.createDirectory(atPath: photos.display + "/sub", withIntermediateDirectories: true)
        try Self.put(try Self.jpeg(), at: photos.appending("good.jpg"))
        try Self.put(try Self.jpeg(), at: photos.appending("sub/nested.jpg"))
        // A latin-1 name: the bytes E9 74 E9 ("été").
        try Self.put(try Self.jpeg(), at: photos.appending(PathBytes(bytes: [0xE9, 0x74, 0xE9] + Array(".jpg".utf8))))
        try FileManager.default.createSymbolicLink(atPath: photos.display + "/link.jpg", withDestinationPath: "good.jpg")
        try FileManager.default.createSymbolicLink(atPath: photos.display + "/loop.jpg", withDestinationPath: "loop.jpg")
        try FileManager.default.createSymbolicLink(atPath: photos.display + "/sub/up", withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: photos.display + "/gone.jpg", withDestinationPath: "missing.jpg")
        try FileManager.default.createSymbolicLink(atPath: photos.display + "/null.jpg", withDestinationPath: "/dev/null")
        #expect(mkfifo(photos.display + "/fifo.jpg", 0o644) == 0)
        try Self.put(Array("notes".utf8), at: photos.appending("notes.txt"))
        try Self.put(Array("hidden".utf8), at: photos.appending(".DS_Store"))
        // Same stem, same output: refused together.
        try FileManager.default.createDirectory(atPath: photos.display + "/same", withIntermediateDirectories: true)
        let raster = ImageCommandTests.gradient(width: 40, height: 30)
        try Self.put(try Self.jpeg(), at: photos.appending("same/photo.jpg"))
        try Self.put(try PNGWriter.encode(raster, options: EncodeOptions()), at: photos.appending("same/photo.png"))
        // What phones and the web make: WebP, AVIF, HEIC, and a Display P3 photo.
        try Self.put(try WebPWriter.encode(raster, options: EncodeOptions()), at: photos.appending("w.webp"))
        try Self.put(try AVIFWriter.encode(raster, options: EncodeOptions()), at: photos.appending("v.avif"))
        let png = sandbox.root.appendingPathComponent("h.png")
        try Data(try PNGWriter.encode(raster, options: EncodeOptions())).write(to: png)
        let heifEnc = Process()
        heifEnc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        heifEnc.arguments = ["heif-enc", "-q", "80", png.path, "-o", photos.display + "/h.heic"]
        heifEnc.standardOutput = FileHandle.nullDevice
        try heifEnc.run()
        heifEnc.waitUntilExit()
        #expect(heifEnc.terminationStatus == 0, "heif-enc (scripts/test installs libheif-examples)")
        var tagged = EncodeOptions()
        tagged.keepICC = true
        try Self.put(try JPEGWriter.encode(raster, options: tagged, color: ColorMetadata(icc: TestProfiles.displayP3)), at: photos.appending("p3.jpg"))

        let recipe = try sandbox.write("recipe.yaml", Self.recipe)
        let started = Date()
        let run = try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "out", "--quiet")
        #expect(Date().timeIntervalSince(started) < 60, "a FIFO must not block the run")
        #expect(run.status == 1, "refused entries make the exit status 1: \(run.stderr)")
        let out = sandbox.root.appendingPathComponent("out")
        let lines = try Self.lines(out.appendingPathComponent("report.jsonl"))
        let expected: [String: String] = [
            "good.jpg": "ok", "sub/nested.jpg": "ok", "\\xE9t\\xE9.jpg": "ok", "link.jpg": "ok",
            "loop.jpg": "failed", "sub/up": "failed", "gone.jpg": "failed", "null.jpg": "failed", "fifo.jpg": "failed",
            "notes.txt": "skipped", "same/photo.jpg": "failed", "same/photo.png": "failed",
            "w.webp": "ok", "v.avif": "ok", "h.heic": "ok", "p3.jpg": "ok",
        ]
        #expect(lines.mapValues { $0["status"] as! String } == expected)
        #expect((lines["loop.jpg"]?["error"] as? String)?.contains("symbolic link loop") == true)
        #expect((lines["sub/up"]?["error"] as? String)?.contains("symbolic link loop") == true)
        #expect((lines["gone.jpg"]?["error"] as? String)?.contains("broken symbolic link") == true)
        #expect((lines["null.jpg"]?["error"] as? String)?.contains("a symbolic link to a character device") == true)
        #expect((lines["fifo.jpg"]?["error"] as? String)?.contains("a FIFO") == true)
        #expect((lines["same/photo.png"]?["error"] as? String)?.contains("writes the same output same/photo-thumb.jpg as same/photo.jpg") == true)
        #expect((lines["p3.jpg"]?["color"] as? String)?.contains("converted to sRGB") == true, "\(lines["p3.jpg"] ?? [:])")
        #expect(lines["h.heic"]?["format"] as? String == "heic" && lines["v.avif"]?["format"] as? String == "avif")
        // The latin-1 input's output keeps its bytes.
        let latin = out.path + "/" + String(decoding: [0xE9, 0x74, 0xE9], as: UTF8.self)
        #expect(!FileManager.default.fileExists(atPath: latin + "-thumb.jpg"), "the name must not be re-encoded")
        #expect(PathBytes(out.path).appending(PathBytes(bytes: [0xE9, 0x74, 0xE9] + Array("-thumb.jpg".utf8))).withCString { access($0, F_OK) } == 0)
        #expect(FileManager.default.fileExists(atPath: out.path + "/link-thumb.jpg"))
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as! [String: Any]
        let inputs = manifest["inputs"] as! [String: Any]
        #expect(Set(inputs.keys) == ["good.jpg", "sub/nested.jpg", "\\xE9t\\xE9.jpg", "link.jpg", "w.webp", "v.avif", "h.heic", "p3.jpg"])
    }

    @Test func unreadableFolderIsReported() throws {
        // Root reads every folder, so the run is made as the unprivileged user `nobody`.
        let sandbox = try Sandbox()
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: sandbox.root.path)
        let photos = sandbox.root.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos.appendingPathComponent("locked"), withIntermediateDirectories: true)
        try Data(try Self.jpeg()).write(to: photos.appendingPathComponent("a.jpg"))
        try Data(try Self.jpeg()).write(to: photos.appendingPathComponent("locked/b.jpg"))
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: photos.appendingPathComponent("locked").path)
        let recipe = try sandbox.write("recipe.yaml", Self.recipe)
        // A copy of the binary `nobody` can run wherever the checkout is (a home folder may be closed to others).
        let binary = sandbox.root.appendingPathComponent("drover").path
        try FileManager.default.copyItem(atPath: Sandbox.binary, toPath: binary)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", binary, "image", "--recipe", recipe,
                             "--input", photos.path, "--output", sandbox.root.appendingPathComponent("out").path, "--quiet"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        let lines = try Self.lines(sandbox.root.appendingPathComponent("out/report.jsonl"))
        #expect(lines["a.jpg"]?["status"] as? String == "ok")
        #expect(lines["locked"]?["status"] as? String == "failed")
        #expect(lines["locked"]?["error"] as? String == "cannot read the folder: Permission denied")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: photos.appendingPathComponent("locked").path)
    }

    @Test func inputsThatWouldWriteTheSameOutputAreRefusedTogether() throws {
        let sandbox = try Sandbox()
        let photos = sandbox.root.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        for name in ["photo.jpg", "photo.jpeg", "other.jpg"] { try Data(try Self.jpeg()).write(to: photos.appendingPathComponent(name)) }
        try Data(try PNGWriter.encode(ImageCommandTests.gradient(width: 40, height: 30), options: EncodeOptions()))
            .write(to: photos.appendingPathComponent("photo.png"))
        let recipe = try sandbox.write("recipe.yaml", Self.recipe)
        let run = try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "out", "--quiet")
        #expect(run.status == 1)
        let out = sandbox.root.appendingPathComponent("out")
        let lines = try Self.lines(out.appendingPathComponent("report.jsonl"))
        for name in ["photo.jpg", "photo.jpeg", "photo.png"] {
            #expect(lines[name]?["status"] as? String == "failed")
            let error = lines[name]?["error"] as? String ?? ""
            let others = ["photo.jpg", "photo.jpeg", "photo.png"].filter { $0 != name }
            #expect(error.contains("photo-thumb.jpg") && others.allSatisfy(error.contains) && error.contains("{srcext}"), "\(error)")
        }
        #expect(lines["other.jpg"]?["status"] as? String == "ok")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("photo-thumb.jpg").path), "nothing written for them")

        // {srcext} tells them apart.
        let apart = try sandbox.write("apart.yaml", Self.recipe + "\n    file: \"{name}.{srcext}-{output}.{ext}\"\n")
        let second = try sandbox.drover("image", "--recipe", apart, "--input", "photos", "--output", "out2", "--quiet")
        #expect(second.status == 0, "\(second.stderr)")
        for name in ["photo.jpg-thumb.jpg", "photo.jpeg-thumb.jpg", "photo.png-thumb.jpg"] {
            #expect(FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent("out2/\(name)").path), "\(name)")
        }
    }

    @Test func anOutputFolderInsideOrEqualToTheInputNeverFeedsOnItself() throws {
        let sandbox = try Sandbox()
        let recipe = try sandbox.write("recipe.yaml", Self.recipe)
        for (input, output) in [("inside", "inside/site"), ("photos", "photos")] {
            let folder = sandbox.root.appendingPathComponent(input)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(try Self.jpeg()).write(to: folder.appendingPathComponent("a.jpg"))
            for _ in 0..<3 {
                let run = try sandbox.drover("image", "--recipe", recipe, "--input", input, "--output", output, "--quiet", "--force")
                #expect(run.status == 0, "\(run.stderr)")
            }
            let all = FileManager.default.enumerator(atPath: folder.path)!.compactMap { $0 as? String }
                .filter { !$0.hasSuffix(".json") && !$0.hasSuffix(".jsonl") }
            #expect(Set(all) == (input == "inside" ? ["a.jpg", "site", "site/a-thumb.jpg"] : ["a.jpg", "a-thumb.jpg"]))
        }
        let photos = sandbox.root.appendingPathComponent("photos")
        let lines = try Self.lines(photos.appendingPathComponent("report.jsonl"))
        #expect(lines["a-thumb.jpg"]?["status"] as? String == "skipped")
        #expect(lines["a-thumb.jpg"]?["reason"] as? String == "an output of a.jpg (manifest.json)")

        // An output that would replace an input is refused, and the input is left alone.
        let same = try sandbox.write("same.yaml", Self.recipe + "\n    file: \"{name}.{ext}\"\n")
        let before = try Data(contentsOf: photos.appendingPathComponent("a.jpg"))
        let run = try sandbox.drover("image", "--recipe", same, "--input", "photos", "--output", "photos", "--quiet")
        #expect(run.status == 1)
        #expect(try Data(contentsOf: photos.appendingPathComponent("a.jpg")) == before)
        let refused = try Self.lines(photos.appendingPathComponent("report.jsonl"))["a.jpg"]
        #expect((refused?["error"] as? String)?.contains("would replace the input itself") == true, "\(String(describing: refused))")
    }

    @Test func aFailedFileLeavesNoOutputBehind() throws {
        let sandbox = try Sandbox()
        let photos = sandbox.root.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        try Data(try Self.jpeg()).write(to: photos.appendingPathComponent("a.jpg"))
        // The second output's folder is taken by a file, so that output cannot be written.
        let out = sandbox.root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: out.appendingPathComponent("blocked"))
        let recipe = try sandbox.write("recipe.yaml", Self.recipe + "\n  - name: big\n    format: png\n    folder: blocked\n")
        let run = try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "out", "--quiet")
        #expect(run.status == 1)
        let line = try Self.lines(out.appendingPathComponent("report.jsonl"))["a.jpg"]
        #expect(line?["status"] as? String == "failed" && (line?["outputs"] as? [Any])?.isEmpty == true)
        let left = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(left == ["blocked", "manifest.json", "report.jsonl"], "no thumbnail and no temporary file: \(left)")
    }

    @Test func oneFileCommandsOpenNamesThatAreNotUTF8() throws {
        let sandbox = try Sandbox()
        let name = PathBytes(bytes: [0xE9, 0x74, 0xE9] + Array(".jpg".utf8))
        try Self.put(try Self.jpeg(), at: PathBytes(sandbox.root.path).appending(name))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \"$0\" image resize \"$(printf '\\351t\\351.jpg')\" \"$(printf 'petit-\\351.jpg')\" --width 10", Sandbox.binary]
        process.currentDirectoryURL = sandbox.root
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let written = PathBytes(sandbox.root.path).appending(PathBytes(bytes: Array("petit-".utf8) + [0xE9] + Array(".jpg".utf8)))
        #expect(try ImageReader(bytes: FileBytes(path: written)).header.width == 10)
    }

    @Test func aFIFOGivenAsTheInputIsRefusedWithoutBlocking() throws {
        let sandbox = try Sandbox()
        let fifo = sandbox.root.appendingPathComponent("in.jpg").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let resize = try sandbox.drover("image", "resize", fifo, sandbox.root.appendingPathComponent("out.jpg").path, "--width", "10")
        #expect(resize.status == 1 && resize.stderr.contains("refused: a FIFO (named pipe), not a regular file"), "\(resize.stderr)")
        let recipe = try sandbox.write("recipe.yaml", Self.recipe)
        let batch = try sandbox.drover("image", "--recipe", recipe, "--input", fifo, "--output", "out")
        #expect(batch.status != 0 && batch.stderr.contains("a FIFO"), "\(batch.stderr)")
    }
}

/// What a tester found trying to break the accounting: each case, the way a user hit it.
@Suite struct OwnOutputTests {
    static func run(_ sandbox: Sandbox, _ recipe: String, _ input: String, _ output: String, _ extra: [String] = []) throws -> Sandbox.Result {
        try sandbox.drover(["image", "--recipe", recipe, "--input", input, "--output", output, "--quiet"] + extra)
    }

    static func files(_ folder: URL) -> Set<String> {
        Set(FileManager.default.enumerator(atPath: folder.path)!.compactMap { $0 as? String }
            .filter { !$0.hasSuffix(".json") && !$0.hasSuffix(".jsonl") })
    }

    @Test func anOutputFolderEqualToTheInputKeepsItsOwnOutputsOutAcrossRecipeChangesAndALostManifest() throws {
        let sandbox = try Sandbox()
        let photos = sandbox.root.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        try Data(try InputAccountingTests.jpeg()).write(to: photos.appendingPathComponent("a.jpg"))
        let latin = PathBytes(photos.path).appending(PathBytes(bytes: [0xE9, 0x74, 0xE9] + Array(".jpg".utf8)))
        try InputAccountingTests.put(try InputAccountingTests.jpeg(), at: latin)
        let thumb = try sandbox.write("thumb.yaml", InputAccountingTests.recipe)
        let small = try sandbox.write("small.yaml", InputAccountingTests.recipe.replacingOccurrences(of: "name: thumb", with: "name: small"))
        for _ in 0..<3 {
            let result = try Self.run(sandbox, thumb, "photos", "photos")
            #expect(result.status == 0, "\(result.stderr)")
        }
        let lines = try InputAccountingTests.lines(photos.appendingPathComponent("report.jsonl"))
        #expect(lines["a.jpg"]?["status"] as? String == "up-to-date" && lines["\\xE9t\\xE9.jpg"]?["status"] as? String == "up-to-date",
                "a name that is not UTF-8 is up to date too: \(lines)")
        // A changed recipe: the old outputs stay Drover's.
        for _ in 0..<2 { #expect(try Self.run(sandbox, small, "photos", "photos").status == 0) }
        // A lost manifest: the files' marks still say whose they are.
        try FileManager.default.removeItem(at: photos.appendingPathComponent("manifest.json"))
        let lost = try Self.run(sandbox, small, "photos", "photos", ["--force"])
        #expect(lost.status == 0, "\(lost.stderr)")
        let names = Self.files(photos).map { $0.replacingOccurrences(of: String(decoding: [0xE9, 0x74, 0xE9], as: UTF8.self), with: "ete") }
        #expect(names.sorted() == ["a-small.jpg", "a-thumb.jpg", "a.jpg", "ete-small.jpg", "ete-thumb.jpg", "ete.jpg"],
                "three files for each photo, none made from an output: \(names.sorted())")
        let last = try InputAccountingTests.lines(photos.appendingPathComponent("report.jsonl"))
        #expect(last["a-thumb.jpg"]?["reason"] as? String == "an output of a.jpg (marked by drover)", "\(last["a-thumb.jpg"] ?? [:])")
    }

    @Test func anOutputThatIsALinkToAnInputIsRefusedAndTheInputKept() throws {
        let sandbox = try Sandbox()
        let photos = sandbox.root.appendingPathComponent("photos"), out = sandbox.root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let original = try InputAccountingTests.jpeg(200)
        try Data(original).write(to: photos.appendingPathComponent("a.jpg"))
        try FileManager.default.createSymbolicLink(atPath: out.path + "/a-thumb.jpg", withDestinationPath: "../photos/a.jpg")
        let result = try Self.run(sandbox, try sandbox.write("r.yaml", InputAccountingTests.recipe), "photos", "out")
        #expect(result.status == 1)
        #expect(try Data(contentsOf: photos.appendingPathComponent("a.jpg")) == Data(original), "the photo is untouched")
        let line = try InputAccountingTests.lines(out.appendingPathComponent("report.jsonl"))["a.jpg"]
        #expect((line?["error"] as? String)?.contains("would replace the input itself") == true, "\(line ?? [:])")
    }

    @Test func theReportAndTheManifestReplaceOnlyTheirOwnFiles() throws {
        let sandbox = try Sandbox()
        let photos = sandbox.root.appendingPathComponent("photos"), site = sandbox.root.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        let photo = try InputAccountingTests.jpeg()
        try Data(photo).write(to: photos.appendingPathComponent("a.jpg"))
        let webManifest = Data(#"{"name": "My PWA", "icons": []}"#.utf8)
        try webManifest.write(to: site.appendingPathComponent("manifest.json"))
        let recipe = try sandbox.write("r.yaml", InputAccountingTests.recipe)
        let refused = try Self.run(sandbox, recipe, "photos", "site")
        #expect(refused.status == 1 && refused.stderr.contains("manifest.json is not a manifest drover wrote"), "\(refused.stderr)")
        #expect(try Data(contentsOf: site.appendingPathComponent("manifest.json")) == webManifest)
        #expect(!FileManager.default.fileExists(atPath: site.appendingPathComponent("a-thumb.jpg").path), "nothing was processed")
        let elsewhere = try Self.run(sandbox, recipe, "photos", "site", ["--manifest", "images.json"])
        #expect(elsewhere.status == 0 && FileManager.default.fileExists(atPath: sandbox.root.appendingPathComponent("images.json").path))
        let report = try Self.run(sandbox, recipe, "photos", "out", ["--report", "photos/a.jpg"])
        #expect(report.status == 1 && report.stderr.contains("is not a report drover wrote"), "\(report.stderr)")
        #expect(try Data(contentsOf: photos.appendingPathComponent("a.jpg")) == Data(photo), "the photo is untouched")
    }

    @Test func namesKnownOnlyOnceWrittenAndTwoOutputsOfOneInputDoNotCollideSilently() throws {
        let sandbox = try Sandbox()
        let photos = sandbox.root.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        try Data(try InputAccountingTests.jpeg()).write(to: photos.appendingPathComponent("photo.jpg"))
        try Data(try PNGWriter.encode(ImageCommandTests.gradient(width: 40, height: 30), options: EncodeOptions()))
            .write(to: photos.appendingPathComponent("photo.png"))
        let height = try sandbox.write("h.yaml", InputAccountingTests.recipe + "\n    file: \"{name}-{height}.{ext}\"\n")
        let run = try Self.run(sandbox, height, "photos", "out", ["--jobs", "1"])
        #expect(run.status == 1)
        let lines = try InputAccountingTests.lines(sandbox.root.appendingPathComponent("out/report.jsonl"))
        #expect(Set(lines.values.map { $0["status"] as! String }) == ["ok", "failed"], "\(lines)")
        #expect(lines.values.contains { ($0["error"] as? String)?.contains("writes the same output photo-12.jpg as") == true })
        let twice = try sandbox.write("twice.yaml", """
            outputs:
              - {name: a, format: png, file: "{name}.{srcext}"}
              - {name: b, format: png, file: "{name}.png"}
            """)
        let same = try Self.run(sandbox, twice, "photos/photo.png", "out2")
        #expect(same.status == 1)
        let line = try InputAccountingTests.lines(sandbox.root.appendingPathComponent("out2/report.jsonl"))["photo.png"]
        #expect((line?["error"] as? String)?.contains("its outputs 'a' and 'b' would write the same file photo.png") == true, "\(line ?? [:])")
    }

    @Test func linksToOneFolderAtEveryLevelAreWalkedOnce() throws {
        let sandbox = try Sandbox()
        let photos = sandbox.root.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos.appendingPathComponent("l0"), withIntermediateDirectories: true)
        try Data(try InputAccountingTests.jpeg()).write(to: photos.appendingPathComponent("l0/a.jpg"))
        for level in 1...16 {
            let folder = photos.appendingPathComponent("l\(level)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for name in ["x", "y"] { try FileManager.default.createSymbolicLink(atPath: folder.path + "/" + name, withDestinationPath: "../l\(level - 1)") }
        }
        let run = try Self.run(sandbox, try sandbox.write("r.yaml", InputAccountingTests.recipe), "photos", "out")
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try InputAccountingTests.lines(sandbox.root.appendingPathComponent("out/report.jsonl"))
        #expect(lines.values.filter { $0["status"] as? String == "ok" }.count == 1, "the one photo, once")
        #expect(lines.count == 33, "the photo and one line for each of the 32 links: \(lines.count)")
    }

    @Test func badSizesAndTheInputAsItsOwnOutputAreRefusedCleanly() throws {
        let sandbox = try Sandbox()
        try Data(try InputAccountingTests.jpeg()).write(to: sandbox.root.appendingPathComponent("a.jpg"))
        let recipe = try sandbox.write("r.yaml", InputAccountingTests.recipe)
        for size in ["10000000000GiB", "18446744073709551615B", "0.5KiB"] {
            let result = try sandbox.drover("image", "--recipe", recipe, "--input", "a.jpg", "--output", "o", "--max-memory", size)
            #expect(result.status != 0 && result.status < 128, "\(size): exit \(result.status), not a crash")
            #expect(result.stderr.contains("--max-memory must be a size"), "\(size): \(result.stderr)")
        }
        let huge = try sandbox.write("huge.yaml", "validate: {maxFileSize: 20000000000GB}\n" + InputAccountingTests.recipe)
        let refused = try sandbox.drover("image", "--recipe", huge, "--input", "a.jpg", "--output", "o")
        #expect(refused.status != 0 && refused.stderr.contains("validate.maxFileSize: must be a size"), "\(refused.stderr)")
        let before = try Data(contentsOf: sandbox.root.appendingPathComponent("a.jpg"))
        let itself = try sandbox.drover("image", "resize", "a.jpg", "./a.jpg", "--width", "10")
        #expect(itself.status != 0 && itself.stderr.contains("is the input itself"), "\(itself.stderr)")
        #expect(try Data(contentsOf: sandbox.root.appendingPathComponent("a.jpg")) == before)
        // A recipe's formats leave the others out: skipped, not failed.
        let png = try sandbox.write("png.yaml", "validate: {formats: [png]}\n" + InputAccountingTests.recipe)
        let skipped = try sandbox.drover("image", "--recipe", png, "--input", "a.jpg", "--output", "o2", "--quiet")
        let line = try InputAccountingTests.lines(sandbox.root.appendingPathComponent("o2/report.jsonl"))["a.jpg"]
        #expect(skipped.status == 0 && line?["reason"] as? String == "JPEG, which this recipe's validate.formats leaves out", "\(line ?? [:])")
    }
}

/// AWS Batch's terminate and a spot reclaim send SIGTERM: `drover image` starts no new file, lets the ones under
/// way finish, writes its manifest and report, and exits 128 + the signal; a second run does the rest.
@Suite struct ImageStopTests {
    @Test func sigtermStopsBetweenFilesLeavingEverythingConsistent() throws {
        let sandbox = try Sandbox()
        let photos = sandbox.root.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        let jpeg = try JPEGWriter.encode(ImageCommandTests.gradient(width: 800, height: 600), options: EncodeOptions())
        for index in 0..<30 { try Data(jpeg).write(to: photos.appendingPathComponent(String(format: "p%03d.jpg", index))) }
        let recipe = try sandbox.write("r.yaml", "steps: [{blur: 3}]\noutputs: [{name: t, steps: [{resize: {width: 64}}], format: jpeg}]\n")
        let process = sandbox.process(["image", "--recipe", recipe, "--input", "photos", "--output", "out", "--jobs", "1", "--quiet"])
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let report = sandbox.root.appendingPathComponent("out/report.jsonl")
        _ = try eventually(within: 60, "a few files done") {
            ((try? String(contentsOf: report, encoding: .utf8)) ?? "").split(separator: "\n").count >= 3
        }
        kill(process.processIdentifier, SIGTERM)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + SIGTERM, "\(stderr)")
        #expect(stderr.contains("stopped by SIGTERM after"), "\(stderr)")
        let lines = try ImageCommandTests.report(report)
        #expect(lines.count < 30 && lines.allSatisfy { $0["status"] as? String == "ok" })
        let out = sandbox.root.appendingPathComponent("out")
        let left = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(!left.contains { $0.hasSuffix(".tmp") }, "no temporary file left")
        #expect(left.filter { $0.hasSuffix("-t.jpg") }.count == lines.count, "one thumbnail per reported file")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as! [String: Any]
        #expect((manifest["inputs"] as! [String: Any]).count == lines.count)
        let rest = try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "out")
        #expect(rest.status == 0 && rest.stdout.contains("\(30 - lines.count) ok, \(lines.count) up to date"), "\(rest.stdout)")
    }
}
