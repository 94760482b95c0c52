package dev.backflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/** A chart the CLI wrote is a whole PNG of a size a person can read. */
final class PngCheck {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private PngCheck() {}

  static BufferedImage assertPng(Path png) throws java.io.IOException {
    assertTrue(Files.isRegularFile(png), png + " was not written");
    byte[] bytes = Files.readAllBytes(png);
    assertTrue(bytes.length > 1000, png + " has only " + bytes.length + " bytes");
    assertEquals(Arrays.toString(SIGNATURE), Arrays.toString(Arrays.copyOf(bytes, 8)), png + " is not a PNG");
    BufferedImage img = ImageIO.read(png.toFile());
    assertNotNull(img, png + " does not decode");
    assertTrue(img.getWidth() >= 400 && img.getWidth() <= 2000 && img.getHeight() >= 200 && img.getHeight() <= 3000,
        png + ": " + img.getWidth() + " x " + img.getHeight());
    return img;
  }
}
