package dev.backflow.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * {@code import dev.backflow.nn.*} collides with {@code java.lang.Module}; the documented fix (a single-type
 * import beside the wildcard) compiles. Compiles user-style sources with the JDK's compiler.
 */
class ModuleImportTest {
  private static List<Diagnostic<? extends JavaFileObject>> compile(String imports) {
    String src = imports + "\nimport dev.backflow.tensor.Tensor;\n"
        + "class UserNet extends Module {\n  final Linear fc = new Linear(2, 1);\n"
        + "  public Tensor forward(Tensor x) { return F.relu(fc.forward(x)); }\n}\n";
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///UserNet.java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return src;
      }
    };
    String out = System.getProperty("java.io.tmpdir");
    javac.getTask(null, null, diagnostics, List.of("-classpath", dev.backflow.TestClassPath.get(), "-d", out,
        "-proc:none"), null, List.of(file)).call();
    return diagnostics.getDiagnostics();
  }

  @Test
  void wildcardImportAloneIsAmbiguousAndTheSingleTypeImportFixesIt() {
    var bad = compile("import dev.backflow.nn.*;");
    assertTrue(bad.stream().anyMatch(d -> d.getMessage(null).contains("ambiguous")), bad.toString());
    var good = compile("import dev.backflow.nn.*;\nimport dev.backflow.nn.Module;");
    assertTrue(good.stream().noneMatch(d -> d.getKind() == Diagnostic.Kind.ERROR), good.toString());
  }
}
