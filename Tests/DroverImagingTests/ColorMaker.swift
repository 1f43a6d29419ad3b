import CDroverImaging
import ColorTestSupport
import Foundation
@testable import DroverImaging

/// Makes what the color tests need: ICC profiles (wide-gamut ones from ``TestProfiles``; Ghostscript's from Debian's
/// `libgs-common`, among them its LUT-based SWOP CMYK profile, installed by scripts/test); test images with saturated
/// colors; and CIEDE2000 color differences.
enum ColorMaker {
    static let displayP3 = TestProfiles.displayP3
    static let adobeRGB = TestProfiles.adobeRGB
    static let proPhoto = TestProfiles.proPhoto
    static func grayProfile(gamma: Double) -> [UInt8] { TestProfiles.gray(gamma: gamma) }
    static func lcmsSRGB() -> [UInt8] { TestProfiles.lcmsSRGB() }

    /// Debian's profiles (libgs-common), which scripts/test installs.
    static func debianProfile(_ name: String) throws -> [UInt8] {
        let path = "/usr/share/color/icc/ghostscript/" + name
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReferenceTests.TestFailure("\(path) is missing: apt-get install libgs-common (scripts/test does)")
        }
        return [UInt8](data)
    }

    // MARK: - Images

    /// An RGB image with saturated colors: a hue sweep at full saturation (every primary and secondary at its gamut
    /// edge), over a ramp of saturation and value, beside a wallpaper photograph for natural content.
    static func saturated(width: Int, height: Int) throws -> Raster {
        let photo = try ReferenceTests.photo().resized(width: width, height: height / 2)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let at = (y * width + x) * 3
                if y >= height / 2, y - height / 2 < photo.height {
                    let from = ((y - height / 2) * photo.width + x) * 3
                    pixels[at] = photo.pixels[from]
                    pixels[at + 1] = photo.pixels[from + 1]
                    pixels[at + 2] = photo.pixels[from + 2]
                    continue
                }
                let hue = Double(x) / Double(width) * 6
                let band = Double(y) / Double(height / 2)
                let saturation = min(1, 0.3 + band * 1.4)
                let value = band < 0.5 ? 1 : 1.4 - band * 0.8
                let (r, g, b) = hsv(hue, saturation, value)
                pixels[at] = UInt8((r * 255).rounded())
                pixels[at + 1] = UInt8((g * 255).rounded())
                pixels[at + 2] = UInt8((b * 255).rounded())
            }
        }
        return Raster(width: width, height: height, channels: 3, pixels: pixels)
    }

    private static func hsv(_ h: Double, _ s: Double, _ v: Double) -> (Double, Double, Double) {
        let c = v * s
        let x = c * (1 - abs(h.truncatingRemainder(dividingBy: 2) - 1))
        let m = v - c
        let (r, g, b): (Double, Double, Double) =
            switch Int(h) {
            case 0: (c, x, 0)
            case 1: (x, c, 0)
            case 2: (0, c, x)
            case 3: (0, x, c)
            case 4: (x, 0, c)
            default: (c, 0, x)
            }
        return (r + m, g + m, b + m)
    }

    /// A JPEG (4:4:4, quality 95) or lossless PNG of `raster` with `icc` embedded.
    static func tagged(_ raster: Raster, icc: [UInt8]?, format: ImageFormat) throws -> [UInt8] {
        var options = EncodeOptions()
        options.keepICC = true
        options.quality = 95
        options.subsampling = .s444
        options.pngEffort = .fast
        let color = ColorMetadata(icc: icc)
        return format == .jpeg
            ? try JPEGWriter.encode(raster, options: options, color: color) : try PNGWriter.encode(raster, options: options, color: color)
    }

    /// `png` with an iCCP chunk holding `icc` inserted after IHDR, written by hand (a zlib stream of stored blocks),
    /// so that profiles libpng's writer refuses (a CMYK or gray profile on RGB rows) can be made.
    static func withICCChunk(_ png: [UInt8], icc: [UInt8]) -> [UInt8] {
        var zlib: [UInt8] = [0x78, 0x01]
        var at = 0
        repeat {
            let count = min(65535, icc.count - at)
            let final: UInt8 = at + count == icc.count ? 1 : 0
            zlib += [final, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            zlib += icc[at..<(at + count)]
            at += count
        } while at < icc.count
        var (a, b): (UInt32, UInt32) = (1, 0)
        for byte in icc {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        let adler = b << 16 | a
        zlib += [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
        let body = Array("iCCP".utf8) + Array("ICC".utf8) + [0, 0] + zlib
        let crc = PNGChunks.crc32(body)
        let length = UInt32(body.count - 4)
        let chunk = [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + body
            + [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
        var out = png
        out.insert(contentsOf: chunk, at: 33)
        return out
    }

    /// An Adobe CMYK JPEG (inks stored inverted, 4:4:4, quality 95; `colorSpace` 4 stores CMYK, 5 YCCK) of
    /// `raster`'s colors separated naively (black is what all three inks share), with `icc` embedded.
    static func cmykJPEG(_ raster: Raster, icc: [UInt8]?, colorSpace: Int32 = 4) throws -> [UInt8] {
        var stored = [UInt8](repeating: 0, count: raster.width * raster.height * 4)
        for index in 0..<(raster.width * raster.height) {
            let (r, g, b) = (Int(raster.pixels[index * 3]), Int(raster.pixels[index * 3 + 1]), Int(raster.pixels[index * 3 + 2]))
            let k = 255 - max(r, g, b)
            let inks = [r, g, b].map { k == 255 ? 0 : (255 - $0 - k) * 255 / (255 - k) }
            for (c, ink) in (inks + [k]).enumerated() { stored[index * 4 + c] = UInt8(255 - ink) }
        }
        let profile = icc ?? []
        return try stored.withUnsafeBufferPointer { pixels in
            try profile.withUnsafeBufferPointer { iccBuffer in
                var options = drover_jpeg_write_options()
                options.quality = 95
                options.subsampling = 444
                options.cmyk_color_space = colorSpace
                options.icc = iccBuffer.baseAddress
                options.icc_length = profile.count
                return try JPEGWriter.collect { output, length, message in
                    drover_jpeg_encode(pixels.baseAddress, UInt32(raster.width), UInt32(raster.height), 4, raster.width * 4, &options, output, length, message, 256)
                }
            }
        }
    }

    // MARK: - CIEDE2000

    /// CIELAB (D65 white) of an 8-bit sRGB color.
    static func lab(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> (Double, Double, Double) {
        func linear(_ v: UInt8) -> Double {
            let c = Double(v) / 255
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        let (lr, lg, lb) = (linear(r), linear(g), linear(b))
        let x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / 0.95047
        let y = 0.2126729 * lr + 0.7151522 * lg + 0.0721750 * lb
        let z = (0.0193339 * lr + 0.1191920 * lg + 0.9503041 * lb) / 1.08883
        func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
        return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
    }

    /// The CIEDE2000 color difference (kL = kC = kH = 1), after Sharma, Wu and Dalal (2005).
    static func deltaE00(_ one: (Double, Double, Double), _ two: (Double, Double, Double)) -> Double {
        let (l1, a1, b1) = one, (l2, a2, b2) = two
        let c1 = (a1 * a1 + b1 * b1).squareRoot(), c2 = (a2 * a2 + b2 * b2).squareRoot()
        let cMean7 = pow((c1 + c2) / 2, 7)
        let g = 0.5 * (1 - (cMean7 / (cMean7 + pow(25, 7))).squareRoot())
        let (a1p, a2p) = ((1 + g) * a1, (1 + g) * a2)
        let (c1p, c2p) = ((a1p * a1p + b1 * b1).squareRoot(), (a2p * a2p + b2 * b2).squareRoot())
        func hue(_ b: Double, _ a: Double) -> Double {
            if a == 0 && b == 0 { return 0 }
            let h = atan2(b, a) * 180 / .pi
            return h < 0 ? h + 360 : h
        }
        let (h1p, h2p) = (hue(b1, a1p), hue(b2, a2p))
        let dL = l2 - l1, dC = c2p - c1p
        var dh = 0.0
        if c1p * c2p != 0 {
            dh = h2p - h1p
            if dh > 180 { dh -= 360 } else if dh < -180 { dh += 360 }
        }
        let dH = 2 * (c1p * c2p).squareRoot() * sin(dh / 2 * .pi / 180)
        let lMean = (l1 + l2) / 2, cMean = (c1p + c2p) / 2
        var hMean = h1p + h2p
        if c1p * c2p != 0 {
            if abs(h1p - h2p) <= 180 { hMean /= 2 } else if h1p + h2p < 360 { hMean = (hMean + 360) / 2 } else { hMean = (hMean - 360) / 2 }
        }
        let rad = Double.pi / 180
        let t = 1 - 0.17 * cos((hMean - 30) * rad) + 0.24 * cos(2 * hMean * rad) + 0.32 * cos((3 * hMean + 6) * rad)
            - 0.20 * cos((4 * hMean - 63) * rad)
        let dTheta = 30 * exp(-pow((hMean - 275) / 25, 2))
        let cMeanP7 = pow(cMean, 7)
        let rC = 2 * (cMeanP7 / (cMeanP7 + pow(25, 7))).squareRoot()
        let sL = 1 + 0.015 * pow(lMean - 50, 2) / (20 + pow(lMean - 50, 2)).squareRoot()
        let sC = 1 + 0.045 * cMean
        let sH = 1 + 0.015 * cMean * t
        let rT = -sin(2 * dTheta * rad) * rC
        let (tl, tc, th) = (dL / sL, dC / sC, dH / sH)
        return (tl * tl + tc * tc + th * th + rT * tc * th).squareRoot()
    }

    /// Mean and maximum CIEDE2000 between two RGB (or RGBA, alpha ignored) sRGB rasters of the same size.
    static func deltaE(_ a: Raster, _ b: Raster) -> (mean: Double, max: Double) {
        precondition(a.width == b.width && a.height == b.height && a.channels >= 3 && b.channels >= 3, "shapes differ")
        var total = 0.0, worst = 0.0
        for index in 0..<(a.width * a.height) {
            let (i, j) = (index * a.channels, index * b.channels)
            let d = deltaE00(lab(a.pixels[i], a.pixels[i + 1], a.pixels[i + 2]), lab(b.pixels[j], b.pixels[j + 1], b.pixels[j + 2]))
            total += d
            worst = max(worst, d)
        }
        return (total / Double(a.width * a.height), worst)
    }
}
