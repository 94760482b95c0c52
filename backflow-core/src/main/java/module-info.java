/**
 * Backflow's core: tensors, reverse-mode autograd, kernels, layers, optimizers, data loading and training,
 * in pure Java with no runtime dependencies.
 *
 * <p>On the module path, {@code requires dev.backflow.core;}. The SIMD kernels need the incubating Vector
 * API; pass {@code --add-modules jdk.incubator.vector} to the JVM to get them. Without it the same code
 * runs on the plain-Java twin kernels (chosen at start-up), which is why the dependence is {@code static}:
 * a required module would be resolved, and the incubator warning printed, whether the user asked for it
 * or not.
 *
 * <p>A {@link dev.backflow.nn.Module} subclass registers its parameters and sub-modules by reading its own
 * fields reflectively. Code on the class path needs nothing for that; a named module that declares layers
 * must open their package to Backflow: {@code opens com.example.model to dev.backflow.core;}.
 */
module dev.backflow.core {
  requires static jdk.incubator.vector;
  // Only for JitDirectives (a C2 directive added through the JVM's diagnostic command); absent, nothing is added.
  requires static java.management;

  exports dev.backflow;
  exports dev.backflow.tensor;
  exports dev.backflow.autograd;
  exports dev.backflow.backend;
  exports dev.backflow.backend.cpu;
  exports dev.backflow.ops;
  exports dev.backflow.nn;
  exports dev.backflow.optim;
  exports dev.backflow.data;
  exports dev.backflow.train;
  exports dev.backflow.io;
  exports dev.backflow.diagnostics;
  exports dev.backflow.amp;
  // dev.backflow.examples is not exported: the worked examples behind the CLI and the page, not library API.
}
