/**
 * Datasets and mini-batches, as {@code torch.utils.data}: a {@link dev.backflow.data.Dataset} gives examples by
 * index, and a {@link dev.backflow.data.DataLoader} shuffles, batches and prefetches them into
 * {@link dev.backflow.data.Batch batches} of inputs and targets.
 *
 * <p>Ready-made sources: {@link dev.backflow.data.TensorDataset} over two tensors,
 * {@link dev.backflow.data.FashionMnist}, {@link dev.backflow.data.CsvReader} for numeric CSV files,
 * {@link dev.backflow.data.ToyDatasets} for small 2-D problems, and {@link dev.backflow.data.CharCorpus} for a
 * character-level language model.
 */
package dev.backflow.data;
