/**
 * Files: {@link dev.backflow.io.SafeTensors}, the format in which weights move to and from PyTorch
 * ({@code safetensors.torch}), and {@link dev.backflow.io.Json}, the small JSON reader and writer its headers
 * need, so that the core keeps no dependencies.
 */
package dev.backflow.io;
