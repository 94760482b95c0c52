package dev.backflow.spark;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;

/**
 * The Spark settings Backflow needs, for a driver started by hand (a test, {@code java -cp}, the
 * {@code spark-train} script) as for one started by {@code spark-submit}.
 */
public final class SparkSetup {
  /** Backflow's SIMD kernels need the Vector API module on every executor (without it they fall back to plain Java). */
  public static final String EXECUTOR_JAVA_OPTIONS = "--add-modules jdk.incubator.vector";

  private SparkSetup() {}

  /**
   * A configuration for {@code master}: executors get the Vector API module; local modes bind to the loopback
   * address and run without the web UI. {@code local-cluster[w,c,m]} (separate executor JVMs without a Spark
   * installation) also gets an executor class path of this JVM's (absolute) class path and a SPARK_HOME made
   * under the temp directory when none is set.
   */
  public static SparkConf conf(String master, String appName) {
    SparkConf conf = new SparkConf().setMaster(master).setAppName(appName).set("spark.ui.showConsoleProgress", "false");
    // added to what the user passed (spark-submit --conf), not in its place
    String options = conf.get("spark.executor.extraJavaOptions", "");
    if (!options.contains("jdk.incubator.vector")) conf.set("spark.executor.extraJavaOptions", (options + " " + EXECUTOR_JAVA_OPTIONS).trim());
    if (master.startsWith("local")) {
      conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1").set("spark.ui.enabled", "false");
    }
    if (master.startsWith("local-cluster")) {
      conf.set("spark.executor.extraClassPath", absoluteClassPath());
      conf.set("spark.executor.memory", "512m");
    }
    return conf;
  }

  /** This JVM's class path with every entry made absolute (executors start in another working directory). */
  public static String absoluteClassPath() {
    List<String> out = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.isEmpty()) out.add(new File(e).getAbsolutePath());
    }
    return String.join(File.pathSeparator, out);
  }

  /**
   * local-cluster mode starts executors through Spark's launcher, which insists on {@code $SPARK_HOME/jars}
   * even when the class path comes from {@code spark.executor.extraClassPath}: makes that directory, empty.
   * Returns the SPARK_HOME in use, or explains what to set.
   */
  public static Path ensureSparkHome() throws IOException {
    String home = System.getenv("SPARK_HOME");
    if (home == null || home.isEmpty()) {
      throw new IllegalStateException("local-cluster mode needs SPARK_HOME (a directory with a jars/ folder, which may be "
          + "empty) and SPARK_SCALA_VERSION=2.13 in the environment; the spark-train script and the Maven tests set both");
    }
    Path jars = Path.of(home, "jars");
    Files.createDirectories(jars);
    return Path.of(home);
  }
}
