package dev.backflow.backend;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a kernel whose result Java code reads and acts on (a flag, index values), rather than an array that
 * later kernels consume. A recorded step cannot replay such a call: the decision made from its result would
 * stay as it was at capture. The recorder refuses these calls instead of replaying them wrongly.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ReadByJava {}
