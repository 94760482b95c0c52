package dev.backflow.autograd;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a package of the engine itself (tensors, ops, autograd, kernels, layers): anomaly reports skip its
 * frames to name the user's line that made an op.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PACKAGE)
public @interface EngineCode {}
