package dev.backflow.spark;

import java.io.Serializable;

/**
 * The parameters a step's gradients are computed at, as broadcast to the executors: all parameters, in
 * {@code Module.parameters()} order, in one array. {@code version} is the number of optimizer steps taken, so an
 * executor whose model already holds this version skips the copy.
 */
record ParameterVersion(String run, long version, float[] values) implements Serializable {}
