package dev.ferry.warehouse;

/** How a warehouse swaps a date's partition for a loaded staging table (mode exchange). */
public enum PartitionSwap {
    /** Ferry has no swap proven on this engine. */
    NONE,
    /** PostgreSQL's declarative partitions: {@code DETACH PARTITION} the old one, {@code ATTACH PARTITION} the staging table. */
    DETACH_ATTACH,
    /**
     * Greenplum 7, Cloudberry and AnalyticDB 7: PostgreSQL's DETACH and ATTACH, with the staging table given the
     * partition's distribution ({@code DISTRIBUTED BY ...}), which ATTACH requires to match.
     */
    DETACH_ATTACH_DISTRIBUTED,
    /** Greenplum 6 (and AnalyticDB 6): {@code ALTER TABLE t EXCHANGE PARTITION FOR (value) WITH TABLE staging}. */
    EXCHANGE_PARTITION
}
