package dev.backflow.autograd;

import java.security.CodeSource;
import java.util.Objects;

/**
 * The line of user code that made an op, for anomaly reports: the first stack frame outside Backflow's
 * engine. Engine frames are those of classes in a package marked {@link EngineCode} and loaded from the
 * same place as the engine itself (so a user's class, or a test, in a same-named package still counts as
 * the user's), plus the JDK's own modules.
 */
final class CallSite {
  private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
  private static final CodeSource ENGINE = CallSite.class.getProtectionDomain().getCodeSource();

  private CallSite() {}

  static String find() {
    return WALKER.walk(frames -> frames
        .filter(f -> !isEngine(f.getDeclaringClass()))
        .findFirst()
        .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
        .orElse("unknown"));
  }

  static boolean isEngine(Class<?> c) {
    Module m = c.getModule();
    if (m.isNamed() && m.getDescriptor() != null && (m.getName().startsWith("java.") || m.getName().startsWith("jdk."))) {
      return true;
    }
    Package p = c.getPackage();
    return p != null && p.isAnnotationPresent(EngineCode.class)
        && Objects.equals(ENGINE, c.getProtectionDomain().getCodeSource());
  }
}
