package dev.backflow.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.nn.Activation;
import dev.backflow.nn.Linear;
import dev.backflow.nn.Module;
import dev.backflow.nn.Sequential;
import dev.backflow.optim.Adam;
import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What gradients of gradients are for, each worked end to end: a Hessian-vector product and the full
 * Hessian of a tiny network against finite differences, a WGAN-GP gradient penalty training a critic,
 * Newton's method converging in a few steps, and a physics-informed fit of an ODE through its du/dx.
 */
class HigherOrderGradientsTest {

  // ---------------------------------------------------------------------------------------------------
  // The API itself

  @Test
  void gradReturnsGradientsWithoutTouchingGrad() {
    Tensor x = Tensor.of(1f, 2f).requiresGrad(true), w = Tensor.of(3f, -1f).requiresGrad(true);
    Tensor y = x.mul(w).sum();
    Tensor[] g = Autograd.grad(y, x, w);
    assertEquals(3f, g[0].get(0));
    assertEquals(2f, g[1].get(1));
    assertNull(x.grad());
    assertNull(w.grad());
  }

  @Test
  void unusedInputsAreNullOnlyWhenAllowed() {
    Tensor x = Tensor.of(1f, 2f).requiresGrad(true), unused = Tensor.of(5f).requiresGrad(true);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Autograd.grad(new Tensor[] {x.square().sum()}, new Tensor[] {x, unused}, null, false, false, false));
    assertTrue(e.getMessage().contains("allowUnused"), e.getMessage());
    Tensor[] g = Autograd.grad(new Tensor[] {x.square().sum()}, new Tensor[] {x, unused}, null, false, false, true);
    assertNull(g[1]);
    assertThrows(IllegalArgumentException.class, () -> Autograd.grad(x.square().sum(), Tensor.of(1f)));
  }

  @Test
  void anInputInTheGraphWhoseDerivativeVanishesGetsZerosNotAnError() {
    Tensor x = Tensor.of(0.5f, -1f).requiresGrad(true);
    Tensor slope = Autograd.grad(x.leakyRelu(0.1f).sum(), true, x)[0]; // leaky'(x), recorded as a function of x
    Tensor[] second = Autograd.grad(slope.mul(x.detach()).sum(), x);     // leaky'' = 0 wherever it is defined
    assertEquals(0f, second[0].get(0));
    assertEquals(0f, second[0].get(1));
  }

  @Test
  void backwardWithCreateGraphLeavesDifferentiableGrads() {
    Tensor x = Tensor.of(0.5f, -1f).requiresGrad(true);
    x.pow(3f).sum().backward(null, true, true); // grad = 3x²
    Tensor g = x.grad();
    assertTrue(g.requiresGrad());
    Tensor[] h = Autograd.grad(g.sum(), x); // d(Σ 3x²)/dx = 6x
    assertEquals(3f, h[0].get(0), 1e-6);
    assertEquals(-6f, h[0].get(1), 1e-6);
  }

  @Test
  void aFirstOrderOnlyBackwardFailsByNameUnderCreateGraph() {
    Module mixed = new dev.backflow.amp.MixedPrecisionSequential(
        new Sequential(new Linear(2, 3, new SplittableRandom(0)), Activation.relu()));
    Tensor x = Tensor.of(new float[] {0.5f, -1f}, 1, 2).requiresGrad(true);
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> Autograd.grad(mixed.forward(x).sum(), true, x));
    assertTrue(e.getMessage().startsWith("mixedPrecision:"), e.getMessage());
    assertEquals(2, Autograd.grad(mixed.forward(x).sum(), x)[0].numel()); // first order still works
  }

  @Test
  void fourDerivativesOfTanhInClosedForm() {
    // tanh to fourth order: every derivative is a polynomial in t = tanh x, checked in closed form
    Tensor x = Tensor.scalar(0.4f).requiresGrad(true);
    Tensor d = x.tanh();
    float[] got = new float[4];
    for (int k = 0; k < 4; k++) {
      d = Autograd.grad(d, true, x)[0];
      got[k] = d.item();
    }
    double t = Math.tanh(0.4), s = 1 - t * t;
    double[] want = {s, -2 * t * s, -2 * s * s + 4 * t * t * s, 16 * t * s * s - 8 * t * t * t * s};
    for (int k = 0; k < 4; k++) assertEquals(want[k], got[k], 1e-5, "derivative " + (k + 1));
  }

  // ---------------------------------------------------------------------------------------------------
  // Hessian-vector product and the full Hessian

  /** A 2-3-1 tanh network's squared error on fixed data, as a function of its 13 parameters in one vector. */
  static Tensor tinyNetLoss(Tensor theta) {
    Tensor w1 = theta.narrow(0, 0, 6).reshape(3, 2), b1 = theta.narrow(0, 6, 3);
    Tensor w2 = theta.narrow(0, 9, 3).reshape(1, 3), b2 = theta.narrow(0, 12, 1);
    Tensor x = Tensor.of(new float[] {0.5f, -1f, 1.5f, 0.3f, -0.7f, 0.8f, 0.1f, 1.2f}, 4, 2);
    Tensor y = Tensor.of(new float[] {1f, -1f, 0.5f, 0f}, 4, 1);
    Tensor out = x.matmul(w1.mT()).add(b1).tanh().matmul(w2.mT()).add(b2);
    return out.sub(y).square().mean();
  }

  /** Hv = d(∇f · v)/dθ: one backward with createGraph, then one ordinary backward. */
  static Tensor hessianVectorProduct(Function<Tensor, Tensor> f, Tensor theta, Tensor v) {
    Tensor grad = Autograd.grad(f.apply(theta), true, theta)[0];
    return Autograd.grad(grad.mul(v).sum(), theta)[0];
  }

  @Test
  void hessianOfATinyNetworkMatchesFiniteDifferences() {
    Tensor theta = Tensor.randn(7, 13).mul(0.7f).requiresGrad(true);
    int n = theta.numel();
    float[][] hessian = new float[n][];
    for (int i = 0; i < n; i++) {
      float[] e = new float[n];
      e[i] = 1f;
      hessian[i] = hessianVectorProduct(HigherOrderGradientsTest::tinyNetLoss, theta, Tensor.of(e)).toArray();
    }
    // each column by central differences of the gradient, in double
    float[] base = theta.toArray();
    double worst = 0, largest = 0;
    for (int j = 0; j < n; j++) {
      double h = 1e-2;
      float[] up = base.clone(), down = base.clone();
      up[j] += (float) h;
      down[j] -= (float) h;
      float[] gu = gradientAt(up), gd = gradientAt(down);
      double taken = (double) up[j] - down[j];
      for (int i = 0; i < n; i++) {
        double numeric = (gu[i] - (double) gd[i]) / taken;
        worst = Math.max(worst, Math.abs(numeric - hessian[i][j]));
        largest = Math.max(largest, Math.abs(numeric));
      }
    }
    assertTrue(worst < 2e-3 * Math.max(1, largest), "worst Hessian entry error " + worst + " (largest entry " + largest + ")");
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) assertEquals(hessian[i][j], hessian[j][i], 1e-4, "symmetry at " + i + "," + j);
    }
  }

  private static float[] gradientAt(float[] values) {
    Tensor t = Tensor.of(values).requiresGrad(true);
    return Autograd.grad(tinyNetLoss(t), t)[0].toArray();
  }

  // ---------------------------------------------------------------------------------------------------
  // WGAN-GP: a critic trained with a gradient penalty

  /** Trains a critic for 300 steps; returns {mean ‖∇x D‖ at interpolates, D(real) - D(fake)} of the last step. */
  static float[] trainCritic(float lambda) {
    SplittableRandom rng = new SplittableRandom(3);
    Module critic = new Sequential(new Linear(2, 32, rng), Activation.leakyRelu(0.2f), new Linear(32, 32, rng),
        Activation.leakyRelu(0.2f), new Linear(32, 1, rng));
    Adam opt = new Adam(critic.parameters(), 1e-3, 0.5, 0.9, 1e-8, 0);
    float lastNorm = 0, lastGap = 0;
    for (int step = 0; step < 300; step++) {
      Tensor real = Tensor.randn(rng, 64, 2).mul(0.3f).add(Tensor.of(1.5f, 1.5f));
      Tensor fake = Tensor.randn(rng, 64, 2).mul(0.3f).add(Tensor.of(-1.5f, -0.5f));
      Tensor alpha = Tensor.rand(rng, 64, 1);
      Tensor mixed = real.mul(alpha).add(fake.mul(alpha.rsub(1f))).requiresGrad(true);
      // the penalty: (‖∇x D(x̂)‖ - 1)², differentiated with respect to the critic's weights
      Tensor gradX = Autograd.grad(critic.forward(mixed).sum(), true, mixed)[0];
      Tensor norms = gradX.square().sum(1).add(1e-12f).sqrt();
      Tensor penalty = norms.sub(1f).square().mean();
      Tensor gap = critic.forward(real).mean().sub(critic.forward(fake).mean());
      Tensor loss = gap.neg().add(penalty.mul(lambda));
      opt.zeroGrad();
      loss.backward();
      opt.step();
      lastNorm = norms.mean().item();
      lastGap = gap.item();
    }
    return new float[] {lastNorm, lastGap};
  }

  @Test
  void gradientPenaltyKeepsTheCriticOneLipschitz() {
    float[] penalized = trainCritic(10f), free = trainCritic(0f);
    // The distributions' means are √(3² + 2²) ≈ 3.6 apart: a 1-Lipschitz critic separates them by about that.
    assertEquals(1f, penalized[0], 0.25f, "mean gradient norm at interpolates with the penalty");
    assertTrue(penalized[1] > 2.5f && penalized[1] < 4.5f, "Wasserstein estimate " + penalized[1]);
    // Without it nothing bounds the critic: its slope and its gap grow without limit.
    assertTrue(free[0] > 2 * penalized[0] && free[1] > 2 * penalized[1],
        "without the penalty: norm " + free[0] + ", gap " + free[1] + "; with: norm " + penalized[0] + ", gap " + penalized[1]);
  }

  // ---------------------------------------------------------------------------------------------------
  // Newton's method on regularized logistic regression (convex)

  static Tensor logisticLoss(Tensor w) {
    Tensor x = Tensor.of(new float[] {1f, 0.5f, -1f, 2f, -0.3f, 1f, 0.2f, -1.5f, 1f, -1f, 1f, 0.7f, 1.5f, 0.8f, -0.4f,
        -0.6f, -1.2f, 1f}, 6, 3);
    Tensor y = Tensor.of(1f, 0f, 1f, 0f, 1f, 0f);
    Tensor logits = x.matmul(w);
    return logits.softplus().sub(logits.mul(y)).mean().add(w.square().sum().mul(0.05f));
  }

  @Test
  void newtonsMethodConvergesInAFewSteps() {
    Tensor w = Tensor.zeros(3);
    List<Double> gradNorms = new ArrayList<>();
    for (int step = 0; step < 6; step++) {
      Tensor theta = w.detach().requiresGrad(true);
      Tensor grad = Autograd.grad(logisticLoss(theta), true, theta)[0];
      double[][] h = new double[3][];
      for (int i = 0; i < 3; i++) {
        float[] row = Autograd.grad(new Tensor[] {grad.select(0, i)}, new Tensor[] {theta}, null, false, true, false)[0].toArray();
        h[i] = new double[] {row[0], row[1], row[2]};
      }
      float[] g = grad.toArray();
      gradNorms.add(Math.sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]));
      double[] d = solve(h, new double[] {g[0], g[1], g[2]});
      w = w.sub(Tensor.of((float) d[0], (float) d[1], (float) d[2]));
    }
    // quadratic convergence: the gradient norm collapses to float32 noise within four steps
    assertTrue(gradNorms.get(0) > 0.1, "start " + gradNorms);
    assertTrue(gradNorms.get(4) < 1e-5, "gradient norms " + gradNorms);
    assertTrue(gradNorms.get(2) < 1e-2 * gradNorms.get(0), "gradient norms " + gradNorms);
  }

  /** Gaussian elimination with partial pivoting, for the 3x3 Newton system. */
  static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
      double[] t = a[c]; a[c] = a[p]; a[p] = t;
      double tb = b[c]; b[c] = b[p]; b[p] = tb;
      for (int r = c + 1; r < n; r++) {
        double f = a[r][c] / a[c][c];
        for (int k = c; k < n; k++) a[r][k] -= f * a[c][k];
        b[r] -= f * b[c];
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = b[r];
      for (int k = r + 1; k < n; k++) s -= a[r][k] * x[k];
      x[r] = s / a[r][r];
    }
    return x;
  }

  // ---------------------------------------------------------------------------------------------------
  // Physics-informed fit: u' = -u, u(0) = 1 on [0, 2], whose solution is e^-x

  @Test
  void physicsInformedNetworkSolvesAnOde() {
    SplittableRandom rng = new SplittableRandom(5);
    Module u = new Sequential(new Linear(1, 16, rng), Activation.tanh(), new Linear(16, 16, rng), Activation.tanh(),
        new Linear(16, 1, rng));
    Adam opt = new Adam(u.parameters(), 1e-2);
    Tensor x = Tensor.arange(0, 2.0001, 0.1).reshape(-1, 1).requiresGrad(true);
    Tensor origin = Tensor.zeros(1, 1);
    for (int step = 0; step < 800; step++) {
      Tensor ux = u.forward(x);
      Tensor dudx = Autograd.grad(ux.sum(), true, x)[0];           // du/dx at every collocation point
      Tensor residual = dudx.add(ux).square().mean();               // the ODE: u' + u = 0
      Tensor boundary = u.forward(origin).sub(1f).square().sum();   // u(0) = 1
      Tensor loss = residual.add(boundary);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
    float worst = 0;
    try (var g = Autograd.noGrad()) {
      float[] got = u.forward(Tensor.arange(0, 2.0001, 0.05).reshape(-1, 1)).toArray();
      for (int i = 0; i < got.length; i++) worst = Math.max(worst, (float) Math.abs(got[i] - Math.exp(-0.05 * i)));
    }
    assertTrue(worst < 0.02f, "max |u - e^-x| = " + worst);
  }
}
