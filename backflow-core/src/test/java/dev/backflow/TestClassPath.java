package dev.backflow;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The class path a test hands to javac or a child JVM so that it sees Backflow, its tests and their libraries.
 * Surefire runs the suite patched into module dev.backflow.core: the core is then on the module path
 * ({@code jdk.module.path}) and the test classes are patched in, so {@code java.class.path} alone names neither.
 */
public final class TestClassPath {
  private TestClassPath() {}

  /** The class path, module path and test-classes folder of this JVM, joined as one class path. */
  public static String get() {
    List<String> parts = new ArrayList<>();
    for (String key : List.of("java.class.path", "jdk.module.path")) {
      String value = System.getProperty(key);
      if (value != null && !value.isEmpty()) parts.add(value);
    }
    parts.add(testClasses().toString());
    return String.join(File.pathSeparator, parts);
  }

  // The folder this class was loaded from: its resource URL minus the package path.
  private static Path testClasses() {
    URL self = TestClassPath.class.getResource("TestClassPath.class");
    try {
      Path file = Path.of(self.toURI());
      return file.getParent().getParent().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
