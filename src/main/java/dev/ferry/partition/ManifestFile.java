package dev.ferry.partition;

/**
 * One data file of a partition, as stored (after compression).
 *
 * @param name   file name within the partition, e.g. {@code part-00000.csv.gz}
 * @param bytes  stored size
 * @param rows   data rows it holds
 * @param sha256 lower-case hex SHA-256 of the stored bytes
 */
public record ManifestFile(String name, long bytes, long rows, String sha256) {
}
