import Testing
@testable import DroverImaging

/// Resize sizes for each fit mode, flat areas staying flat, alpha edges not darkening, and the filters.
struct ResizeTests {
    @Test func planSizes() {
        #expect(ResizeSpec(width: 320, height: 320, fit: .inside).plan(width: 2560, height: 1600).final == (320, 200))
        let cover = ResizeSpec(width: 320, height: 320, fit: .cover).plan(width: 2560, height: 1600)
        #expect(cover.scaled == (512, 320) && cover.final == (320, 320))
        #expect(ResizeSpec(width: 300, height: 100, fit: .exact).plan(width: 2560, height: 1600).final == (300, 100))
        #expect(ResizeSpec(width: 800).plan(width: 1600, height: 1000).final == (800, 500))
        #expect(ResizeSpec(height: 250).plan(width: 1600, height: 1000).final == (400, 250))
        // No upscaling unless asked.
        #expect(ResizeSpec(width: 4000).plan(width: 1600, height: 1000).final == (1600, 1000))
        #expect(ResizeSpec(width: 3200, enlarge: true).plan(width: 1600, height: 1000).final == (3200, 2000))
    }

    @Test func flatStaysFlatAndAlphaEdgesDoNotDarken() {
        let flat = Raster(width: 37, height: 23, channels: 3, pixels: [UInt8](repeating: 77, count: 37 * 23 * 3))
        #expect(flat.resized(width: 11, height: 5).pixels.allSatisfy { $0 == 77 })
        #expect(flat.resized(width: 80, height: 50).pixels.allSatisfy { $0 == 77 })
        // White opaque left half, transparent black right half: edge pixels stay white, never gray.
        var pixels = [UInt8]()
        for _ in 0..<16 { for x in 0..<32 { pixels += x < 16 ? [255, 255, 255, 255] : [0, 0, 0, 0] } }
        let half = Raster(width: 32, height: 16, channels: 4, pixels: pixels)
        let small = half.resized(width: 8, height: 4)
        for index in stride(from: 0, to: small.pixels.count, by: 4) where small.pixels[index + 3] > 0 {
            #expect(small.pixels[index] >= 254, "color at alpha \(small.pixels[index + 3]) is \(small.pixels[index])")
        }
        let blurred = half.blurred(sigma: 2)
        for index in stride(from: 0, to: blurred.pixels.count, by: 4) where blurred.pixels[index + 3] > 8 {
            #expect(blurred.pixels[index] >= 250)
        }
    }

    @Test func filtersDoWhatTheySay() {
        let image = ImageMaker.pattern(width: 40, height: 30)
        #expect(image.grayscale().channels == 1)
        #expect(image.brightness(0).pixels.allSatisfy { $0 == 0 })
        #expect(image.brightness(1) == image)
        let gray = image.saturation(0).pixels
        #expect(gray.indices.allSatisfy { gray[$0] == gray[$0 - $0 % 3] })
        #expect(image.contrast(1) == image)
        #expect(image.sharpened(sigma: 1, amount: 0, threshold: 0) == image)
        // Rotations: four quarter turns are the identity; flip twice is the identity.
        var turned = image
        for _ in 0..<4 { turned = turned.transformed(.rotate90) }
        #expect(turned == image)
        #expect(image.transformed(.flip).transformed(.flip) == image)
        #expect(image.transformed(.rotate90).width == 30)
    }

    @Test func boxShrinkAveragesBlocks() {
        let raster = Raster(width: 3, height: 2, channels: 1, pixels: [0, 100, 50, 200, 40, 90])
        let shrunk = BoxShrinker.shrink(raster, by: 2)
        #expect(shrunk.width == 2 && shrunk.height == 1)
        #expect(shrunk.pixels == [85, 70])
    }
}
