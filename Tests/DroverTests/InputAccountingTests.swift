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
