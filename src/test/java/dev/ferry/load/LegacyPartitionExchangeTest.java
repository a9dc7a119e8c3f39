package dev.ferry.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * mode exchange's statements on Greenplum 6 and AnalyticDB 6, which do not run on this machine, against Greenplum 6's own
 * reference (greenplum-db/gpdb 6X, gpdb-doc/markdown/ref_guide/sql_commands/ALTER_TABLE.html.md, CREATE_TABLE.html.md):
 * "EXCHANGE PARTITION { partition_name | FOR (RANK(number)) | FOR (value) } WITH TABLE table_name [ WITH | WITHOUT
 * VALIDATION ]", "Exchange a table into your partition design: ALTER TABLE sales EXCHANGE PARTITION FOR ('2016-01-01') WITH
 * TABLE jan08;", "The table must have the same number of columns, column order, column names, column types, and
 * distribution policy as the parent table", and of LIKE: "copies all column names, their data types, not-null
 * constraints, and distribution policy ... Storage properties like append-optimized or partition structure are not copied".
 */
class LegacyPartitionExchangeTest {

    static final LegacyPartitionExchange.Target SALES = new LegacyPartitionExchange.Target(16384, "public", "\"public\".\"sales\"",
            "\"public\".\"sales_1_prt_20240102\"", "sales_1_prt_20240102", "appendonly=true, orientation=column, compresstype=zstd");

    @Test
    void theStagingTableIsLikeTheParentForItsDistributionWithThePartitionsOwnStorage() {
        assertThat(LegacyPartitionExchange.createStaging("\"public\".ferry_stage_sales_20240102_7", SALES))
                .isEqualTo("CREATE TABLE \"public\".ferry_stage_sales_20240102_7 (LIKE \"public\".\"sales\" INCLUDING DEFAULTS)"
                        + " WITH (appendonly=true, orientation=column, compresstype=zstd)");
        LegacyPartitionExchange.Target heap = new LegacyPartitionExchange.Target(1, "public", "\"public\".\"sales\"", "\"public\".\"p\"", "p", "");
        assertThat(LegacyPartitionExchange.createStaging("s", heap)).isEqualTo("CREATE TABLE s (LIKE \"public\".\"sales\" INCLUDING DEFAULTS)");
    }

    /**
     * Of ADD PARTITION (the same reference): "partition_element - Using the existing partition type of the table (range or
     * list), defines the boundaries of new partition you are adding", "VALUES - For list partitions, defines the value(s)
     * that the partition will contain", "START ... By default, start values are INCLUSIVE", "END ... By default, end values
     * are EXCLUSIVE", and "Partitioned tables are created using the naming convention: &lt;parentname&gt;_&lt;level&gt;_prt_&lt;partition_name&gt;".
     */
    @Test
    void createPartitionAddsTheDatesPartitionInTheSwapsTransactionAndDropsTheEmptyTableItExchangesOut() {
        assertThat(LegacyPartitionExchange.addPartition("\"public\".\"sales\"", "range", "date", "2024-03-16", "2024-03-17"))
                .isEqualTo("ALTER TABLE \"public\".\"sales\" ADD PARTITION \"20240316\" START ('2024-03-16'::date) INCLUSIVE"
                        + " END ('2024-03-17'::date) EXCLUSIVE");
        assertThat(LegacyPartitionExchange.addPartition("\"public\".\"sales\"", "list", "date", "2024-03-16", ""))
                .isEqualTo("ALTER TABLE \"public\".\"sales\" ADD PARTITION \"20240316\" VALUES ('2024-03-16'::date)");
        LegacyPartitionExchange.Target added = new LegacyPartitionExchange.Target(16384, "public", "\"public\".\"sales\"",
                "\"public\".\"sales\"", "sales (new)", "appendonly=true", "ALTER TABLE ... ADD PARTITION ...");
        assertThat(LegacyPartitionExchange.afterExchange(added, "s", true)).as("nothing to keep of a partition just added").isEmpty();
    }

    @Test
    void theSwapExchangesThePartitionForTheValueWithValidationAndThenDropsOrKeepsTheOldRows() {
        assertThat(LegacyPartitionExchange.exchange(SALES, "2024-01-02", "\"public\".ferry_stage_sales_20240102_7"))
                .isEqualTo("ALTER TABLE \"public\".\"sales\" EXCHANGE PARTITION FOR ('2024-01-02') WITH TABLE"
                        + " \"public\".ferry_stage_sales_20240102_7 WITH VALIDATION");
        assertThat(LegacyPartitionExchange.exchange(SALES, "it's", "s")).contains("FOR ('it''s')");
        assertThat(LegacyPartitionExchange.afterExchange(SALES, "\"public\".ferry_stage_sales_20240102_7", false))
                .as("the staging table, holding the old rows, is dropped after the commit").isEmpty();
        assertThat(LegacyPartitionExchange.afterExchange(SALES, "\"public\".ferry_stage_sales_20240102_7", true)).containsExactly(
                "DROP TABLE IF EXISTS \"public\".\"sales_1_prt_20240102_previous\"",
                "ALTER TABLE \"public\".ferry_stage_sales_20240102_7 RENAME TO \"sales_1_prt_20240102_previous\"");
    }
}
